/**
 * The trace view's DOM, built by the page into the root the host's HTML shell provides: a header
 * (trace id, duration, span count), the waterfall (one row per span: indented name, kind, bar) and a
 * details pane for the selected span. Only our own fixed words go in here; span data is set later
 * with textContent.
 */
import { el } from '../shared/dom';

export interface TracePage {
  root: HTMLElement;
  title: HTMLElement;
  summary: HTMLElement;
  waterfall: HTMLElement;
  details: HTMLElement;
  empty: HTMLElement;
}

export function buildTracePage(root: HTMLElement): TracePage {
  const title = el('h1', { text: 'PerfLens trace' });
  const summary = el('span', { className: 'muted' });
  const waterfall = el('div', { className: 'waterfall', attrs: { role: 'tree', 'aria-label': 'Spans of the trace' } });
  const details = el('section', { className: 'details', attrs: { 'aria-label': 'Selected span' } });
  const empty = el('p', { className: 'empty muted', hidden: true });
  root.append(el('header', { className: 'bar' }, title, summary), empty, waterfall, details);
  return { root, title, summary, waterfall, details, empty };
}
