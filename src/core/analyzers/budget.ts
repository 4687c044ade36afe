/**
 * Performance budgets for CI: `p95<300ms,error_rate<1%,rss<512MB`, parsed with errors a user can
 * act on, and evaluated over the snapshots of one run.
 */
import { histogramQuantile, mergeBuckets } from '../metrics/quantile';
import type { Snapshot } from '../session/types';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import { mean } from '../util/stats';
import { formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../shared/format';

export type BudgetMetric = 'p50' | 'p90' | 'p95' | 'p99' | 'avg' | 'error_rate' | 'rss' | 'heap' | 'cpu' | 'rps';
type Kind = 'latency' | 'ratio' | 'bytes' | 'percent' | 'rate';

const METRICS: Record<BudgetMetric, { kind: Kind; what: string }> = {
  p50: { kind: 'latency', what: 'median response time' },
  p90: { kind: 'latency', what: 'p90 response time' },
  p95: { kind: 'latency', what: 'p95 response time' },
  p99: { kind: 'latency', what: 'p99 response time' },
  avg: { kind: 'latency', what: 'mean response time' },
  error_rate: { kind: 'ratio', what: 'error rate' },
  rss: { kind: 'bytes', what: 'peak resident memory' },
  heap: { kind: 'bytes', what: 'peak JS heap' },
  cpu: { kind: 'percent', what: 'mean process CPU' },
  rps: { kind: 'rate', what: 'mean request rate' },
};

const ALIASES: Record<string, BudgetMetric> = {
  errors: 'error_rate',
  errorrate: 'error_rate',
  mean: 'avg',
  request_rate: 'rps',
  memory: 'rss',
  mem: 'rss',
};

/** Units by kind, as multipliers to the canonical unit (ms, ratio 0..1, bytes, percent, req/s). */
const UNITS: Record<Kind, Record<string, number>> = {
  latency: { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 },
  ratio: { '%': 0.01, '': 1 },
  // MB means 1024² bytes, as the memory limit setting counts it (rss / 1024 / 1024).
  bytes: { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 },
  percent: { '%': 1, '': 1 },
  rate: { '': 1, '/s': 1, rps: 1 },
};

const UNIT_HINT: Record<Kind, string> = {
  latency: 'ms, s or us (e.g. 300ms)',
  ratio: '% or a fraction (e.g. 1% or 0.01)',
  bytes: 'B, KB, MB or GB (e.g. 512MB)',
  percent: '% (e.g. 80%)',
  rate: 'requests per second (e.g. 50 or 50/s)',
};

export interface BudgetRule {
  /** The clause as written. */
  text: string;
  metric: BudgetMetric;
  op: '<' | '<=' | '>' | '>=';
  /** In the canonical unit: ms, ratio, bytes, percent or req/s. */
  limit: number;
}

export function parseBudget(input: string): Result<BudgetRule[], 'invalid'> {
  const clauses = input.split(',').map((c) => c.trim());
  if (clauses.every((c) => c === ''))
    return fail('invalid', 'The budget is empty. Example: --budget "p95<300ms,error_rate<1%,rss<512MB".');
  const rules: BudgetRule[] = [];
  for (const [i, clause] of clauses.entries()) {
    const where = `Budget clause ${i + 1} "${clause}"`;
    if (clause === '') return fail('invalid', `${where} is empty (stray comma?).`);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*(.*)$/.exec(clause);
    if (!m) return fail('invalid', `${where} is not METRIC<LIMIT (operators <, <=, >, >=). Example: p95<300ms.`);
    const name = m[1]!.toLowerCase();
    const metric = (name in METRICS ? name : ALIASES[name]) as BudgetMetric | undefined;
    if (!metric)
      return fail('invalid', `${where}: unknown metric "${m[1]}". Known: ${Object.keys(METRICS).join(', ')}.`);
    const vm = /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([A-Za-zµ%/]*)$/i.exec(m[3]!.trim());
    if (!vm)
      return fail(
        'invalid',
        `${where}: "${m[3]}" is not a number with a unit; use ${UNIT_HINT[METRICS[metric].kind]}.`,
      );
    const kind = METRICS[metric].kind;
    const unit = vm[2]!.toLowerCase();
    const factor = UNITS[kind][unit];
    if (factor === undefined) {
      const missing = unit === '' ? 'needs a unit' : `cannot use the unit "${vm[2]}"`;
      return fail('invalid', `${where}: ${metric} ${missing}; use ${UNIT_HINT[kind]}.`);
    }
    const value = Number(vm[1]);
    if (kind === 'ratio' && unit === '' && value > 1)
      return fail('invalid', `${where}: an error rate is a fraction 0..1 or a percentage; did you mean ${value}%?`);
    rules.push({ text: clause, metric, op: m[2] as BudgetRule['op'], limit: value * factor });
  }
  return ok(rules);
}

export interface BudgetResult {
  rule: BudgetRule;
  status: 'pass' | 'fail' | 'no-data';
  /** Measured value in the canonical unit; undefined without data. */
  actual?: number;
  /** e.g. "p95 response time 412 ms, budget < 300 ms". */
  message: string;
  /** How the value was measured (histogram over the run, or averaged interval values). */
  method?: string;
}

/** One result as the CLI's `--json` output writes it: the clause, its parts, the verdict and the value. */
export function budgetResultJson(r: BudgetResult): Record<string, unknown> {
  return {
    clause: r.rule.text,
    metric: r.rule.metric,
    op: r.rule.op,
    limit: r.rule.limit,
    status: r.status,
    ...(r.actual !== undefined ? { actual: r.actual } : {}),
    ...(r.method ? { method: r.method } : {}),
    message: r.message,
  };
}

function weightedMean(pairs: [number | undefined, number][]): number | undefined {
  let s = 0;
  let w = 0;
  for (const [v, weight] of pairs) {
    if (v === undefined || !Number.isFinite(v)) continue;
    s += v * weight;
    w += weight;
  }
  return w > 0 ? s / w : undefined;
}

/** The run-wide value of a budget metric and how it was measured. */
export function measureBudgetMetric(
  metric: BudgetMetric,
  snapshots: readonly Snapshot[],
): { value?: number; method: string } {
  const http = snapshots.filter((s) => s.http);
  // Requests per interval weight the interval values; the merged histogram is exact when present.
  const weight = (s: Snapshot) => s.http!.requestRate * (s.intervalSeconds ?? 1);
  switch (metric) {
    case 'p50':
    case 'p90':
    case 'p95':
    case 'p99': {
      const q = Number(metric.slice(1)) / 100;
      const deltas = snapshots.flatMap((s) => (s.histograms ?? []).filter((h) => h.series === 'http.duration'));
      if (deltas.length > 0) {
        const v = histogramQuantile(q, mergeBuckets(deltas.map((d) => d.buckets)));
        if (Number.isFinite(v))
          return { value: v, method: `histogram_quantile(${q}) over ${deltas.length} merged intervals` };
      }
      const field = ({ p50: 'p50Ms', p90: 'p95Ms', p95: 'p95Ms', p99: 'p99Ms' } as const)[metric];
      // No p90 in interval stats: fall back to p95, which is never below it (a stricter check).
      return {
        value: weightedMean(http.map((s) => [s.http![field], weight(s)])),
        method: `request-weighted mean of interval ${field === 'p95Ms' && metric === 'p90' ? 'p95' : metric}`,
      };
    }
    case 'avg': {
      const deltas = snapshots.flatMap((s) => (s.histograms ?? []).filter((h) => h.series === 'http.duration'));
      const count = deltas.reduce((a, d) => a + d.count, 0);
      if (count > 0)
        return { value: deltas.reduce((a, d) => a + d.sumMs, 0) / count, method: 'histogram sum / count over the run' };
      return {
        value: weightedMean(http.map((s) => [s.http!.avgMs, weight(s)])),
        method: 'request-weighted mean of interval averages',
      };
    }
    case 'error_rate':
      return {
        value: weightedMean(http.map((s) => [s.http!.errorRate, weight(s)])),
        method: 'failed / all requests over the run',
      };
    case 'rss': {
      const v = snapshots.map((s) => s.process?.rssBytes).filter((x): x is number => x !== undefined);
      return { value: v.length ? Math.max(...v) : undefined, method: 'peak over the run' };
    }
    case 'heap': {
      const v = snapshots.map((s) => s.process?.heapUsedBytes).filter((x): x is number => x !== undefined);
      return { value: v.length ? Math.max(...v) : undefined, method: 'peak over the run' };
    }
    case 'cpu': {
      const v = snapshots.map((s) => s.process?.cpuPercent).filter((x): x is number => x !== undefined);
      return { value: v.length ? mean(v) : undefined, method: 'mean over the run' };
    }
    case 'rps': {
      const v = http.map((s) => s.http!.requestRate);
      return { value: v.length ? mean(v) : undefined, method: 'mean over the run' };
    }
  }
}

export function formatBudgetValue(metric: BudgetMetric, v: number): string {
  switch (METRICS[metric].kind) {
    case 'latency':
      return formatMs(v);
    case 'ratio':
      return formatShare(v, 2);
    case 'bytes':
      return formatBytes(v);
    case 'percent':
      return formatPercent(v);
    case 'rate':
      return formatRate(v, 'req');
  }
}

export function evaluateBudget(rules: readonly BudgetRule[], snapshots: readonly Snapshot[]): BudgetResult[] {
  return rules.map((rule) => {
    const { value, method } = measureBudgetMetric(rule.metric, snapshots);
    const what = METRICS[rule.metric].what;
    const budgetText = `budget ${rule.op} ${formatBudgetValue(rule.metric, rule.limit)}`;
    if (value === undefined) {
      return {
        rule,
        status: 'no-data',
        message: `${what}: no data during the run (${budgetText}); is the service exposing it?`,
      };
    }
    const pass =
      rule.op === '<'
        ? value < rule.limit
        : rule.op === '<='
          ? value <= rule.limit
          : rule.op === '>'
            ? value > rule.limit
            : value >= rule.limit;
    return {
      rule,
      status: pass ? 'pass' : 'fail',
      actual: value,
      method,
      message: `${what} ${formatBudgetValue(rule.metric, value)}, ${budgetText}`,
    };
  });
}
