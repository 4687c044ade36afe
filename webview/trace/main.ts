/**
 * The trace view page: the waterfall of one trace (span tree, bars placed by start and duration
 * within the trace) and the selected span's kind, status and attributes as text. Everything that
 * came from the traced service reaches the DOM through textContent.
 */
import { el } from '../shared/dom';
import { buildTracePage } from './page';
import type { HostToTrace, TraceToHost, Waterfall, WaterfallRow } from '../../src/shared/protocol/trace';
import { assertNever } from '../../src/shared/assertNever';
import { acquireHostApi, onHostMessage } from '../shared/vscodeApi';
import { formatMs } from '../../src/shared/format';

interface SavedState {
  traceId?: string;
  row?: number;
}
const vscode = acquireHostApi<TraceToHost, SavedState>();
const page = buildTracePage(document.querySelector<HTMLElement>('[data-perflens-view="trace"]')!);
let data: Waterfall | undefined;

function showDetails(r: WaterfallRow | undefined): void {
  page.details.replaceChildren();
  if (!r) return;
  const dl = el('dl');
  const add = (k: string, v: string) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
  add('Span', r.name);
  add('Service', r.service);
  add('Kind', r.kind);
  add('Status', r.statusMessage ? `${r.status}: ${r.statusMessage}` : r.status);
  add('Starts at', `+${formatMs(r.offsetMs)}`);
  add('Duration', formatMs(r.durationMs));
  add('Span id', r.spanId);
  const attrs = el('dl', { className: 'attributes' });
  for (const [k, v] of r.attributes) attrs.append(el('dt', { text: k }), el('dd', { text: v }));
  page.details.append(
    el('h2', { text: 'Span' }),
    dl,
    el('h2', { text: `Attributes (${r.attributes.length})` }),
    r.attributes.length ? attrs : el('p', { className: 'muted', text: 'none' }),
  );
}

function select(i: number): void {
  if (!data?.rows[i]) return;
  page.waterfall.querySelector('.span.selected')?.classList.remove('selected');
  page.waterfall.children[i]?.classList.add('selected');
  showDetails(data.rows[i]);
  vscode.setState({ traceId: data.traceId, row: i });
}

function render(d: Waterfall): void {
  const t0 = performance.now();
  data = d;
  page.empty.hidden = true;
  page.title.textContent = `Trace ${d.traceId}`;
  page.summary.textContent = `${formatMs(d.durationMs)} · ${d.rows.length} span${d.rows.length === 1 ? '' : 's'}`;
  page.waterfall.replaceChildren();
  d.rows.forEach((r, i) => {
    const bar = el('div', {
      className: `bar-fill kind-${r.kind}${r.status === 'error' ? ' error' : ''}`,
      title: `${formatMs(r.durationMs)} at +${formatMs(r.offsetMs)}`,
    });
    bar.style.left = `${(r.left * 100).toFixed(3)}%`;
    bar.style.width = `max(2px, ${(r.width * 100).toFixed(3)}%)`;
    const name = el(
      'span',
      { className: 'name', title: r.detail ? `${r.name} ${r.detail}` : r.name },
      el('span', { text: r.name }),
      ...(r.detail ? [el('span', { className: 'detail muted', text: ` ${r.detail}` })] : []),
    );
    name.style.paddingLeft = `${r.depth * 14}px`;
    const item = el(
      'div',
      {
        className: `span${r.status === 'error' ? ' error' : ''}`,
        attrs: { role: 'treeitem', tabindex: '0', 'aria-level': String(r.depth + 1), 'data-depth': String(r.depth) },
      },
      name,
      el('span', { className: 'kind muted', text: r.kind }),
      el('span', { className: 'duration', text: formatMs(r.durationMs) }),
      el('span', { className: 'track' }, bar),
    );
    item.addEventListener('click', () => select(i));
    item.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const next = Math.max(0, Math.min(d.rows.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
        select(next);
        (page.waterfall.children[next] as HTMLElement | undefined)?.focus();
      }
    });
    page.waterfall.append(item);
  });
  const saved = vscode.getState() as SavedState | undefined;
  select(saved?.traceId === d.traceId && typeof saved.row === 'number' ? saved.row : 0);
  page.root.dataset.state = 'ready';
  vscode.postMessage({ type: 'rendered', traceId: d.traceId, rows: d.rows.length, renderMs: performance.now() - t0 });
}

onHostMessage<HostToTrace>((m) => {
  switch (m.type) {
    case 'trace':
      render(m.data);
      return;
    case 'empty':
      data = undefined;
      page.title.textContent = 'PerfLens trace';
      page.summary.textContent = '';
      page.waterfall.replaceChildren();
      page.details.replaceChildren();
      page.empty.textContent = m.message;
      page.empty.hidden = false;
      page.root.dataset.state = 'empty';
      return;
    default:
      assertNever(m);
  }
});

vscode.postMessage({ type: 'ready' });
