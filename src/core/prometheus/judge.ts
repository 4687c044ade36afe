/**
 * PerfLens's own alert rules and budgets on top of Prometheus-backed snapshots. HTTP numbers
 * come whole from the server (one snapshot over the window is exact); process numbers exist per
 * instance only, so memory and CPU are judged per instance and the worst one decides.
 */
import type { AlertThresholds, AlertTiming } from '../analyzers/alerts/rules';
import { DEFAULT_ALERT_THRESHOLDS, defaultAlertRules } from '../analyzers/alerts/rules';
import type { AlertRule, RuleSample } from '../analyzers/alerts/types';
import type { BudgetResult, BudgetRule } from '../analyzers/budget';
import { evaluateBudget, formatBudgetValue } from '../analyzers/budget';
import type { InstanceStats, Snapshot } from '../session/types';

function perInstance(s: Snapshot, pick: (i: InstanceStats) => number | undefined): RuleSample[] {
  const out: RuleSample[] = [];
  for (const i of s.instances ?? []) {
    const v = pick(i);
    if (v !== undefined && Number.isFinite(v)) out.push({ labels: { instance: i.instance }, value: v });
  }
  return out;
}

/**
 * The default rules with memory and CPU read per instance (labelled `instance`, so each instance's
 * alert pends, fires and resolves on its own), plus an "instance down" rule from `up`.
 */
export function instanceAlertRules(
  thresholds: Partial<AlertThresholds> = {},
  timing: Partial<AlertTiming> = {},
): AlertRule[] {
  const maxMemoryMb = thresholds.maxMemoryMb ?? DEFAULT_ALERT_THRESHOLDS.maxMemoryMb;
  const limitBytes = maxMemoryMb * 1024 * 1024;
  const rules = defaultAlertRules(thresholds, timing).map((r): AlertRule => {
    if (r.id === 'memory')
      return {
        ...r,
        read: (s) => perInstance(s, (i) => (i.rssBytes === undefined ? undefined : i.rssBytes / limitBytes)),
      };
    if (r.id === 'cpu') return { ...r, read: (s) => perInstance(s, (i) => i.cpuPercent) };
    return r;
  });
  const base = rules[0]!;
  rules.push({
    id: 'instanceDown',
    name: 'Instance down',
    severity: 'critical',
    op: '>',
    threshold: 0,
    forMs: timing.forMs ?? base.forMs,
    keepFiringForMs: timing.keepFiringForMs ?? base.keepFiringForMs,
    read: (s) => perInstance(s, (i) => (i.up ? 0 : 1)),
    format: (v) => (v > 0 ? 'down' : 'up'),
  });
  return rules;
}

const PROCESS_METRICS = {
  rss: { pick: (i: InstanceStats) => i.rssBytes, what: 'peak RSS', aggregate: 'peak' },
  heap: { pick: (i: InstanceStats) => i.heapUsedBytes, what: 'peak heap', aggregate: 'peak' },
  cpu: { pick: (i: InstanceStats) => i.cpuPercent, what: 'mean CPU', aggregate: 'mean' },
} as const;

function holds(op: BudgetRule['op'], v: number, limit: number): boolean {
  return op === '<' ? v < limit : op === '<=' ? v <= limit : op === '>' ? v > limit : v >= limit;
}

/**
 * Budgets over a Prometheus report. Response times, error rate and request rate are read from the
 * summary snapshot (histogram_quantile over the whole window: exact, not an average of averages).
 * RSS and heap are the peak over the history of the worst instance; CPU is each instance's mean
 * over the window (the summary's rate), busiest instance.
 */
export function evaluatePrometheusBudget(
  rules: readonly BudgetRule[],
  summary: Snapshot,
  history: readonly Snapshot[],
): BudgetResult[] {
  return rules.map((rule) => {
    const spec = PROCESS_METRICS[rule.metric as keyof typeof PROCESS_METRICS];
    if (!spec) return evaluateBudget([rule], [summary])[0]!;
    let worst: { value: number; instance: string } | undefined;
    const sources = spec.aggregate === 'mean' ? [summary] : [...history, summary];
    for (const s of sources) {
      for (const i of s.instances ?? []) {
        const v = spec.pick(i);
        if (v !== undefined && Number.isFinite(v) && (!worst || v > worst.value))
          worst = { value: v, instance: i.instance };
      }
    }
    const budgetText = `budget ${rule.op} ${formatBudgetValue(rule.metric, rule.limit)}`;
    if (!worst)
      return {
        rule,
        status: 'no-data',
        message: `${spec.what}: no instance exposed it during the window (${budgetText})`,
      };
    return {
      rule,
      status: holds(rule.op, worst.value, rule.limit) ? 'pass' : 'fail',
      actual: worst.value,
      method: `${spec.aggregate} over the window, worst instance`,
      message: `${spec.what} ${formatBudgetValue(rule.metric, worst.value)} on ${worst.instance}, ${budgetText}`,
    };
  });
}
