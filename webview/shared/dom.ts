/** Small DOM helpers for webview pages. Text always goes in through textContent, never as HTML. */

/** How `el` makes an element: class, text (textContent: service strings stay text), title, attributes. */
export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  hidden?: boolean;
  /** Attributes of our own (id, type, aria-*, data-*): never a service string as an event handler. */
  attrs?: Record<string, string>;
}

/** Creates an element with a class, text and attributes, and appends its children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  opts: ElementOptions = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.className) e.className = opts.className;
  if (opts.text !== undefined) e.textContent = opts.text;
  if (opts.title !== undefined) e.title = opts.title;
  if (opts.hidden) e.hidden = true;
  for (const [name, value] of Object.entries(opts.attrs ?? {})) e.setAttribute(name, value);
  for (const c of children) e.appendChild(c);
  return e;
}

/** A table with a header row made by `header` and an empty body. */
export function table(opts: ElementOptions, header: HTMLTableCellElement[]): HTMLTableElement {
  return el('table', opts, el('thead', {}, el('tr', {}, ...header)), el('tbody'));
}

/** A column header cell. */
export function th(text: string, opts: ElementOptions = {}, ...children: Node[]): HTMLTableCellElement {
  const cell = el('th', { ...opts, attrs: { scope: 'col', ...opts.attrs } }, ...children);
  if (children.length === 0) cell.textContent = text;
  return cell;
}

export function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Counts canvas pixels that are not fully transparent (sampled), to tell a drawn chart from an empty one. */
export function drawnPixels(canvas: HTMLCanvasElement, step = 4): number {
  const ctx = canvas.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 3; i < data.length; i += 4 * step) if (data[i]! > 0) n++;
  return n;
}
