/**
 * Bounds on what one scrape may cost. A label holding ids (a user, a request, a raw path) turns one
 * family into tens of thousands of series; the families that exploded are cut, the rest kept whole.
 */
import type { MetricFamily, Sample } from './types';

/** Series kept from one scrape (`perflens.maxSeriesPerScrape`, `--max-series`). */
export const DEFAULT_MAX_SERIES = 50_000;
/** Routes kept per round, the rest summed as OTHER_ROUTES (`perflens.maxRoutesPerRound`, `--max-routes`). */
export const DEFAULT_MAX_ROUTES = 200;
export const OTHER_ROUTES = '(other routes)';

export interface CardinalityCut {
  /** Series in the scrape, and kept. */
  total: number;
  kept: number;
  /** The families that were cut, largest first, with their series before and after. */
  families: { name: string; series: number; kept: number }[];
}

const GROUPED = new Set(['histogram', 'gaugehistogram', 'summary']);

/** A histogram's or summary's series: its labels without `le`/`quantile` (one key per bucket set). */
function groupKey(s: Sample): string {
  let key = '';
  for (const k of Object.keys(s.labels).sort())
    if (k !== 'le' && k !== 'quantile') key += `${k}\u0000${s.labels[k]}\u0001`;
  return key;
}

/** The first samples of a family up to `limit`, never splitting a histogram's or summary's bucket set. */
function firstSamples(f: MetricFamily, limit: number): Sample[] {
  if (!GROUPED.has(f.type)) return f.samples.slice(0, limit);
  const out: Sample[] = [];
  let i = 0;
  while (i < f.samples.length) {
    const key = groupKey(f.samples[i]!);
    let j = i + 1;
    while (j < f.samples.length && groupKey(f.samples[j]!) === key) j++;
    if (out.length + (j - i) > limit) break;
    for (let k = i; k < j; k++) out.push(f.samples[k]!);
    i = j;
  }
  return out;
}

/**
 * Keeps at most `maxSeries` samples: every family gets the same share L (the largest L for which
 * the shares fit), so small families stay whole and only the exploded ones are cut.
 */
export function capSeries(
  families: readonly MetricFamily[],
  maxSeries: number,
): { families: MetricFamily[]; cut?: CardinalityCut } {
  const total = families.reduce((n, f) => n + f.samples.length, 0);
  if (total <= maxSeries) return { families: [...families] };
  const sizes = families.map((f) => f.samples.length).sort((a, b) => a - b);
  let remaining = maxSeries;
  let share = 0;
  for (let i = 0; i < sizes.length; i++) {
    share = Math.floor(remaining / (sizes.length - i));
    if (sizes[i]! > share) break;
    remaining -= sizes[i]!;
  }
  const cutFamilies: CardinalityCut['families'] = [];
  const out = families.map((f) => {
    if (f.samples.length <= share) return f;
    const samples = firstSamples(f, share);
    cutFamilies.push({ name: f.name, series: f.samples.length, kept: samples.length });
    return { ...f, samples };
  });
  cutFamilies.sort((a, b) => b.series - a.series || a.name.localeCompare(b.name));
  return { families: out, cut: { total, kept: out.reduce((n, f) => n + f.samples.length, 0), families: cutFamilies } };
}

const n = (v: number) => v.toLocaleString('en-US');

/** The warning for a cut scrape: which families exploded, the limit, and how to raise it. */
export function describeCut(url: string, cut: CardinalityCut, maxSeries: number): string {
  const top = cut.families.slice(0, 3).map((f) => `${f.name} (${n(f.series)} series, ${n(f.kept)} kept)`);
  const more = cut.families.length > 3 ? ` and ${cut.families.length - 3} more` : '';
  return `${url} exports ${n(cut.total)} series, over the limit of ${n(maxSeries)} per scrape: ${top.join(', ')}${more}. The excess was dropped. A label holding ids (users, requests, raw paths) is the usual cause; fix it in the service, or raise the limit with the setting perflens.maxSeriesPerScrape or --max-series.`;
}

/** The warning for routes folded into OTHER_ROUTES. */
export function describeFoldedRoutes(routes: number, maxRoutes: number): string {
  return `The service reports ${n(routes)} distinct routes, over the limit of ${n(maxRoutes)} per round: the ${n(maxRoutes)} busiest are shown and the other ${n(routes - maxRoutes)} are summed as "${OTHER_ROUTES}". A route label holding ids (/users/123) should hold the route's template (/users/:id); or raise the limit with the setting perflens.maxRoutesPerRound or --max-routes.`;
}
