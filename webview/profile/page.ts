/**
 * The profile view's DOM, built by the page into the root the host's HTML shell provides. Every
 * element the page script updates is returned from here, where it is created: nothing is looked up
 * again by id. Only our own fixed words go in here; profile data is set later with textContent.
 */
import { el } from '../shared/dom';

export type SortKey = 'name' | 'calls' | 'self' | 'selfShare' | 'total' | 'totalShare' | 'perCall';

export interface ProfilePage {
  root: HTMLElement;
  title: HTMLElement;
  summary: HTMLElement;
  /** Heap profiles: which sample type the numbers weigh (bytes or objects, in use or allocated). */
  sampleType: HTMLSelectElement;
  sampleTypeLabel: HTMLElement;
  benchmark: HTMLElement;
  warnings: HTMLElement;
  flameSection: HTMLElement;
  flameMode: HTMLSelectElement;
  search: HTMLInputElement;
  flame: HTMLCanvasElement;
  flameTip: HTMLElement;
  functions: HTMLTableElement;
  /** The functions table's sortable columns. */
  sortHeaders: { key: SortKey; header: HTMLTableCellElement }[];
  diffSection: HTMLElement;
  diff: HTMLTableElement;
  empty: HTMLElement;
}

const num = { className: 'num' };

function headerRow(...cells: HTMLTableCellElement[]): HTMLTableSectionElement {
  return el('thead', {}, el('tr', {}, ...cells));
}

/** Builds the profile view into `root` (the shell's empty main) and returns its parts. */
export function buildProfilePage(root: HTMLElement): ProfilePage {
  const sortable: [SortKey, string, { className?: string }][] = [
    ['name', 'Function', {}],
    ['calls', 'Calls', num],
    ['self', 'Self', num],
    ['selfShare', 'Self %', num],
    ['total', 'Total', num],
    ['totalShare', 'Total %', num],
    ['perCall', 'Per call', num],
  ];
  const sortHeaders = sortable.map(([key, text, opts]) => ({
    key,
    header: el('th', { ...opts, text, attrs: { 'data-sort': key } }),
  }));
  const flameMode = el(
    'select',
    { attrs: { id: 'flame-mode' } },
    el('option', { text: 'Time order', attrs: { value: 'time' } }),
    el('option', { text: 'Left heavy', attrs: { value: 'left-heavy' } }),
  );
  const p: ProfilePage = {
    root,
    title: el('h1', { text: 'PerfLens profile', attrs: { id: 'title' } }),
    summary: el('span', { className: 'muted', attrs: { id: 'summary' } }),
    sampleType: el('select', { attrs: { id: 'sample-type', 'aria-label': 'Sample type' } }),
    sampleTypeLabel: el('label', { hidden: true, attrs: { id: 'sample-type-label' } }),
    benchmark: el('section', { className: 'benchmark', hidden: true, attrs: { id: 'benchmark' } }),
    warnings: el('section', { className: 'warnings', hidden: true, attrs: { id: 'warnings' } }),
    flameSection: el('section', { attrs: { id: 'flame-section' } }),
    flameMode,
    search: el('input', {
      attrs: { id: 'search', type: 'search', placeholder: 'Search functions', 'aria-label': 'Search functions' },
    }),
    flame: el('canvas', { attrs: { id: 'flame', height: '10' } }),
    flameTip: el('div', { className: 'tip', hidden: true, attrs: { id: 'flame-tip' } }),
    functions: el(
      'table',
      { className: 'functions', attrs: { id: 'functions' } },
      headerRow(...sortHeaders.map((s) => s.header), el('th', { text: 'Location' })),
      el('tbody'),
    ),
    sortHeaders,
    diffSection: el('section', { className: 'table-wrap', hidden: true, attrs: { id: 'diff-section' } }),
    diff: el(
      'table',
      { className: 'functions', attrs: { id: 'diff' } },
      headerRow(
        el('th', { text: 'Function' }),
        ...['Before self', 'After self', 'Δ self', 'Before total', 'After total', 'p'].map((text) =>
          el('th', { ...num, text }),
        ),
        el('th', { text: 'Location' }),
      ),
      el('tbody'),
    ),
    empty: el('p', { className: 'muted', hidden: true, attrs: { id: 'empty' } }),
  };
  p.flameSection.append(
    el(
      'div',
      { className: 'bar' },
      el('label', {}, document.createTextNode('Flame graph '), flameMode),
      p.search,
      el('span', {
        className: 'muted',
        text: 'Click a frame to select its function, double-click to open its source.',
        attrs: { id: 'flame-hint' },
      }),
    ),
    p.flame,
    p.flameTip,
  );
  p.diffSection.append(p.diff);
  p.sampleTypeLabel.append(document.createTextNode('Sample type '), p.sampleType);
  root.replaceChildren(
    el('header', { className: 'bar' }, p.title, p.summary, p.sampleTypeLabel),
    p.benchmark,
    p.warnings,
    p.flameSection,
    el('section', { className: 'table-wrap' }, p.functions),
    p.diffSection,
    p.empty,
  );
  return p;
}
