/**
 * The profile view page: benchmark figures, flame graph, a sortable and searchable top-functions
 * table (calls, self, total, per call: the top 20 first, then all rows), and the diff of two profiles.
 * Everything from the profile reaches the DOM through textContent.
 */
import { cell, el } from '../shared/dom';
import type { SortKey } from './page';
import { buildProfilePage } from './page';
import type { FlameMode } from './flame';
import { FlameGraph } from './flame';
import type {
  BenchmarkView,
  DiffViewData,
  FunctionRow,
  HostToProfile,
  ProfileViewData,
  ProfileToHost,
} from '../../src/shared/protocol/profile';
import { assertNever } from '../../src/shared/assertNever';
import { acquireHostApi, onHostMessage } from '../shared/vscodeApi';
import { formatBytes, formatMs, formatRate, formatShare, formatSpan } from '../../src/shared/format';

/** What the page keeps across hiding and reloads: the flame graph's mode and the table's sort. */
interface SavedState {
  mode?: string;
  sort?: SortKey;
}
const vscode = acquireHostApi<ProfileToHost, SavedState>();

// The host's shell holds one root; the page builds everything inside it.
const page = buildProfilePage(document.querySelector<HTMLElement>('[data-perflens-view="profile"]')!);
const { root, search, flameMode: modeSelect } = page;
const flame = new FlameGraph(page.flame);
const saved = (vscode.getState() ?? {}) as { mode?: FlameMode; sort?: SortKey };
let data: ProfileViewData | undefined;
let sortKey: SortKey = saved.sort ?? 'self';
let sortDesc = true;
let selected: number | null = null;
modeSelect.value = saved.mode ?? 'time';

function weight(v: number, unit: ProfileViewData['unit']): string {
  if (unit === 'samples') return String(Math.round(v));
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'objects') return Math.round(v).toLocaleString('en-US');
  return formatMs(v);
}

/** The heap sample-type selector: shown when the file offers more than one; a change asks the host to reload. */
function renderSampleTypes(d: ProfileViewData): void {
  const select = page.sampleType;
  page.sampleTypeLabel.hidden = d.sampleTypes.length < 2;
  select.replaceChildren(...d.sampleTypes.map((t) => el('option', { text: t, attrs: { value: t } })));
  if (d.sampleType) select.value = d.sampleType;
  root.dataset.unit = d.unit;
  root.dataset.sampleType = d.sampleType ?? '';
}
page.sampleType.addEventListener('change', () =>
  vscode.postMessage({ type: 'sampleType', sampleType: page.sampleType.value }),
);
function perCall(r: FunctionRow): number | null {
  return r.calls ? r.total / r.calls : null;
}
function location(file: string, line: number): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base ? `${base}${line > 0 ? `:${line}` : ''}` : '';
}

function sortValue(r: FunctionRow, k: SortKey): number | string {
  if (k === 'name') return r.name.toLowerCase();
  if (k === 'perCall') return perCall(r) ?? -1;
  return r[k] ?? -1;
}

function visibleRows(d: ProfileViewData): FunctionRow[] {
  const q = search.value.trim().toLowerCase();
  const rows = q
    ? d.rows.filter((r) => r.name.toLowerCase().includes(q) || r.file.toLowerCase().includes(q))
    : [...d.rows];
  rows.sort((a, b) => {
    const x = sortValue(a, sortKey);
    const y = sortValue(b, sortKey);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return sortDesc ? -c : c;
  });
  return rows;
}

function renderTable(d: ProfileViewData): string {
  const body = page.functions.tBodies[0]!;
  body.replaceChildren();
  const rows = visibleRows(d).slice(0, 500);
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.frame = String(r.frame);
    if (r.frame === selected) tr.classList.add('selected');
    cell(tr, r.name, 'name').title = r.file ? `${r.file}:${r.line}` : r.name;
    cell(tr, r.calls === null ? '—' : String(r.calls), 'num');
    cell(tr, weight(r.self, d.unit), 'num');
    cell(tr, formatShare(r.selfShare), 'num');
    cell(tr, weight(r.total, d.unit), 'num');
    cell(tr, formatShare(r.totalShare), 'num');
    const pc = perCall(r);
    cell(tr, pc === null ? '—' : weight(pc, d.unit), 'num');
    cell(tr, location(r.file, r.line), 'loc');
    tr.addEventListener('click', () => {
      select(r.frame, false);
      vscode.postMessage({ type: 'openSource', frame: r.frame });
    });
  }
  for (const { key, header } of page.sortHeaders) {
    header.classList.toggle('sorted', key === sortKey);
    header.dataset.dir = key === sortKey ? (sortDesc ? 'desc' : 'asc') : '';
  }
  root.dataset.rows = String(rows.length);
  root.dataset.firstRow = rows[0]?.name ?? '';
  return rows[0]?.name ?? '';
}

function renderFlame(d: ProfileViewData): void {
  page.flameSection.hidden = !d.flame;
  if (!d.flame) return;
  const q = search.value.trim().toLowerCase();
  flame.setHighlight((f) =>
    selected !== null ? f === selected : q !== '' && (d.names[f] ?? '').toLowerCase().includes(q),
  );
  root.dataset.flameRects = String(flame.draw());
}

function renderBenchmark(b: BenchmarkView | null): void {
  const s = page.benchmark;
  s.hidden = !b;
  s.replaceChildren();
  if (!b) return;
  const run = b.durationSeconds !== null ? formatSpan(b.durationSeconds * 1000) : `${b.amount} requests`;
  s.append(el('h2', { text: `Load: ${b.url} · ${b.connections} connections · ${run}` }));
  const grid = el('div', { className: 'figures' });
  const figures: [string, string][] = [
    ['p50', formatMs(b.latencyMs.p50)],
    ['p90', formatMs(b.latencyMs.p90)],
    ['p99', formatMs(b.latencyMs.p99)],
    ['max', formatMs(b.latencyMs.max)],
    ['throughput', formatRate(b.requestsPerSec)],
    ['requests', String(b.requests)],
    ['errors', String(b.errors + b.non2xx + b.timeouts)],
  ];
  for (const [k, v] of figures)
    grid.append(
      el('div', { className: 'figure' }, el('span', { className: 'muted', text: k }), el('strong', { text: v })),
    );
  s.append(grid);
  root.dataset.p99 = b.latencyMs.p99.toFixed(1);
}

function renderProfile(d: ProfileViewData, focus: number | null): void {
  const started = performance.now();
  data = d;
  if (focus !== null) selected = focus;
  page.diffSection.hidden = true;
  page.functions.hidden = false;
  page.empty.hidden = true;
  page.title.textContent = d.title;
  renderSampleTypes(d);
  const parts = [
    d.sampleType !== null
      ? `${d.sampleType}: ${weight(d.total, d.unit)}${d.unit === 'objects' ? ' objects' : ''} sampled`
      : '',
    d.samples !== null && d.sampleType === null ? `${d.samples} samples` : '',
    d.durationMs !== null ? formatMs(d.durationMs) : '',
    `${d.rows.length} functions`,
  ].filter(Boolean);
  page.summary.textContent = parts.join(' · ');
  const w = page.warnings;
  w.hidden = d.warnings.length === 0;
  w.replaceChildren(...d.warnings.map((t) => el('p', { text: t })));
  renderBenchmark(d.benchmark);
  if (d.flame) flame.set(d.flame, d.names, modeSelect.value as FlameMode);
  renderFlame(d);
  const first = renderTable(d);
  if (focus !== null) scrollToSelected();
  root.dataset.state = 'profile';
  root.dataset.mode = modeSelect.value;
  root.dataset.focused = focus === null ? '' : (d.names[focus] ?? '');
  vscode.postMessage({ type: 'rendered', view: 'profile', renderMs: performance.now() - started, firstRow: first });
}

function renderDiff(d: DiffViewData): void {
  const started = performance.now();
  data = undefined;
  for (const hide of [page.flameSection, page.functions, page.benchmark, page.warnings, page.empty]) hide.hidden = true;
  page.diffSection.hidden = false;
  page.title.textContent = `${d.before} → ${d.after}`;
  const regressed = d.rows.filter((r) => r.status === 'regressed').length;
  const improved = d.rows.filter((r) => r.status === 'improved').length;
  page.summary.textContent = `${regressed} regressed · ${improved} improved · shares of ${d.weight}`;
  const body = page.diff.tBodies[0]!;
  body.replaceChildren();
  d.rows.slice(0, 500).forEach((r, i) => {
    const tr = body.insertRow();
    tr.className = r.status;
    cell(tr, r.name, 'name');
    cell(tr, formatShare(r.beforeSelf), 'num');
    cell(tr, formatShare(r.afterSelf), 'num');
    cell(tr, `${r.selfDelta >= 0 ? '+' : ''}${(r.selfDelta * 100).toFixed(1)} pp`, 'num');
    cell(tr, formatShare(r.beforeTotal), 'num');
    cell(tr, formatShare(r.afterTotal), 'num');
    cell(tr, r.pValue === null ? '—' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3), 'num');
    cell(tr, location(r.file, r.line), 'loc');
    tr.addEventListener('click', () => vscode.postMessage({ type: 'openDiffSource', row: i }));
  });
  root.dataset.state = 'diff';
  root.dataset.regressed = String(regressed);
  root.dataset.improved = String(improved);
  vscode.postMessage({
    type: 'rendered',
    view: 'diff',
    renderMs: performance.now() - started,
    firstRow: d.rows[0]?.name ?? '',
  });
}

function scrollToSelected(): void {
  page.functions.tBodies[0]!.querySelector('tr.selected')?.scrollIntoView({ block: 'center', inline: 'nearest' });
}

function select(frame: number | null, scroll: boolean): void {
  selected = frame;
  if (!data) return;
  for (const tr of Array.from(page.functions.tBodies[0]!.rows))
    tr.classList.toggle('selected', tr.dataset.frame === String(frame));
  renderFlame(data);
  if (scroll) scrollToSelected();
}

onHostMessage<HostToProfile>((m) => {
  switch (m.type) {
    case 'profile':
      renderProfile(m.data, m.focus);
      return;
    case 'diff':
      renderDiff(m.data);
      return;
    case 'focus':
      // A filtered table may hide the function: show every row again, then select it.
      if (search.value && data) {
        search.value = '';
        renderTable(data);
      }
      select(m.frame, true);
      root.dataset.focused = data?.names[m.frame] ?? '';
      return;
    case 'empty':
      data = undefined;
      for (const hide of [page.flameSection, page.functions, page.diffSection, page.benchmark, page.warnings])
        hide.hidden = true;
      page.title.textContent = 'PerfLens profile';
      page.summary.textContent = '';
      page.empty.hidden = false;
      page.empty.textContent = m.message;
      root.dataset.state = 'empty';
      return;
    default:
      assertNever(m);
  }
});

for (const { key: k, header } of page.sortHeaders) {
  header.addEventListener('click', () => {
    sortDesc = k === sortKey ? !sortDesc : k !== 'name';
    sortKey = k;
    vscode.setState({ ...saved, mode: modeSelect.value, sort: sortKey });
    if (data) renderTable(data);
  });
}
search.addEventListener('input', () => {
  if (!data) return;
  selected = null;
  renderTable(data);
  renderFlame(data);
});
modeSelect.addEventListener('change', () => {
  vscode.setState({ ...saved, mode: modeSelect.value, sort: sortKey });
  if (data?.flame) {
    flame.set(data.flame, data.names, modeSelect.value as FlameMode);
    renderFlame(data);
    root.dataset.mode = modeSelect.value;
  }
});
const canvas = page.flame;
const tip = page.flameTip;
canvas.addEventListener('click', (e) => {
  const r = flame.hit(e.offsetX, e.offsetY);
  select(r ? r.frame : null, true);
});
canvas.addEventListener('dblclick', (e) => {
  const r = flame.hit(e.offsetX, e.offsetY);
  if (r) vscode.postMessage({ type: 'openSource', frame: r.frame });
});
canvas.addEventListener('mousemove', (e) => {
  const r = flame.hit(e.offsetX, e.offsetY);
  const row = r && data ? data.rows.find((x) => x.frame === r.frame) : undefined;
  tip.hidden = !r;
  if (!r || !data) return;
  tip.textContent = `${data.names[r.frame] ?? ''}${row ? ` · self ${formatShare(row.selfShare)} · total ${formatShare(row.totalShare)}` : ''}`;
  tip.style.left = `${e.offsetX + 12}px`;
  tip.style.top = `${e.offsetY + canvas.offsetTop + 12}px`;
});
canvas.addEventListener('mouseleave', () => (tip.hidden = true));
window.addEventListener('resize', () => {
  if (data) renderFlame(data);
});
vscode.postMessage({ type: 'ready' });
