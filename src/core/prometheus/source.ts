/**
 * Reads a service's numbers from a Prometheus server: a Snapshot over a window (instant queries),
 * history over a long range (query_range with a step chosen from the range), and the server's own
 * alerts. Everything returns values; one failing query becomes an entry in `Snapshot.errors`.
 */
import type { PresetOverrides } from '../metrics/presets';
import type { ServerAlert, Snapshot } from '../session/types';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { fail, ok } from '../util/result';
import type { PrometheusResult, VectorSample } from './client';
import { PrometheusClient, promDuration } from './client';
import type { QueryAnswers } from './assemble';
import { assembleSnapshot } from './assemble';
import type { ServerPresets } from './detect';
import { detectServerPresets } from './detect';
import type { PlannedQuery } from './plan';
import { buildQueryPlan } from './plan';
import { labelsMatch, renderSelector } from './selector';
import type { PrometheusTarget } from './target';
import { prometheusTargetId } from './target';

/** Steps a history is read at: the smallest that keeps a range under `maxPoints` points. */
const NICE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
].map((s) => s * 1000);

export function chooseStep(rangeMs: number, maxPoints = 240): number {
  const wanted = rangeMs / Math.max(1, maxPoints);
  return NICE_STEPS_MS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

/** Runs tasks with at most `limit` in flight, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface PrometheusSourceOptions {
  target: PrometheusTarget;
  /** Concept → metric overrides, as for a scraped target. */
  overrides?: PresetOverrides;
  /** Queries in flight at once (default 4): enough to be quick, few enough to be polite. */
  concurrency?: number;
  client?: PrometheusClient;
  /** Supplies "now" for snapshots asked without a time. */
  clock?: Clock;
}

export interface HistoryOptions {
  start: number;
  end: number;
  /** Default: chooseStep(end - start). */
  stepMs?: number;
  /** rate() window; never less than the step, so no sample falls between two points. Default 1 min. */
  minWindowMs?: number;
}

export class PrometheusSource {
  readonly client: PrometheusClient;
  readonly target: PrometheusTarget;
  readonly targetId: string;
  private readonly overrides: PresetOverrides;
  private readonly concurrency: number;
  private readonly clock: Clock;
  private cached?: { at: number; presets: ServerPresets };
  /** Warnings of successful answers since the last snapshot, reported in its errors. */
  private readonly warnings: string[] = [];

  constructor(opts: PrometheusSourceOptions) {
    this.target = opts.target;
    this.targetId = prometheusTargetId(opts.target);
    this.overrides = opts.overrides ?? {};
    this.concurrency = opts.concurrency ?? 4;
    this.clock = opts.clock ?? systemClock;
    this.client =
      opts.client ??
      new PrometheusClient({
        baseUrl: opts.target.serverUrl,
        ...(opts.target.auth ? { auth: opts.target.auth } : {}),
        ...(opts.target.queryTimeoutMs !== undefined ? { queryTimeoutMs: opts.target.queryTimeoutMs } : {}),
        ...(opts.target.connect ? { connect: opts.target.connect } : {}),
        onWarnings: (what, warnings) => this.warnings.push(...warnings.map((w) => `${w} (${what})`)),
      });
  }

  private get upSelector(): string {
    return renderSelector(this.target.matchers, 'up');
  }

  /**
   * Which metrics the selector has. A selector that matches nothing is the commonest mistake, so
   * it gets its own failure that says how to check it.
   */
  async detect(time?: number): Promise<PrometheusResult<ServerPresets>> {
    const presets = await detectServerPresets(this.client, this.target.matchers, this.overrides, time);
    if (!presets.ok) return presets;
    if (presets.value.resolved.size > 0) {
      this.cached = { at: this.clock.now(), presets: presets.value };
      return presets;
    }
    const up = await this.client.query(this.upSelector, time);
    if (!up.ok) return up;
    if (up.value.length === 0) {
      return fail(
        'empty',
        `No series on ${this.target.serverUrl} match {${this.target.selector}}. Check the selector against what the server scrapes: query ${this.upSelector} in the Prometheus UI (Status → Targets lists every job and instance).`,
      );
    }
    const instances = up.value.map((s) => s.labels.instance ?? '?').join(', ');
    return fail(
      'empty',
      `The server scrapes ${up.value.length} instance(s) matching {${this.target.selector}} (${instances}), but none exposes a metric PerfLens knows (such as http_requests_total or http_request_duration_seconds) in the last 5 minutes. If the service names its metrics differently, name them with --metric-names (e.g. httpRequests=api_requests_total,httpDuration=api_latency_seconds).`,
    );
  }

  /**
   * detect() remembered for `maxAgeMs` (a live session asks every few seconds; exporters rarely
   * change their metric names between rounds). A failed detection is never remembered.
   */
  async detectCached(maxAgeMs: number, time?: number): Promise<PrometheusResult<ServerPresets>> {
    if (this.cached && this.clock.now() - this.cached.at < maxAgeMs) return ok(this.cached.presets);
    return this.detect(time);
  }

  private plan(presets: ServerPresets, windowMs: number): PlannedQuery[] {
    return buildQueryPlan({
      matchers: this.target.matchers,
      resolved: presets.resolved,
      names: presets.names,
      windowMs,
    });
  }

  /**
   * The service over the `windowMs` before `time` (default: now). Every query is evaluated at that
   * one instant, so the numbers of a snapshot are consistent with each other.
   */
  async snapshot(
    windowMs: number,
    time?: number,
    opts: { presetsMaxAgeMs?: number } = {},
  ): Promise<PrometheusResult<Snapshot>> {
    const at = time ?? this.clock.now();
    const presets = opts.presetsMaxAgeMs ? await this.detectCached(opts.presetsMaxAgeMs, at) : await this.detect(at);
    if (!presets.ok) return presets;
    const plan = this.plan(presets.value, windowMs);
    const results = await mapLimited(plan, this.concurrency, (q) => this.client.query(q.expr, at));
    const answers = new Map<string, VectorSample[]>();
    const errors: Snapshot['errors'] = [];
    results.forEach((r, i) => {
      if (r.ok) answers.set(plan[i]!.key, r.value);
      else errors.push({ source: 'prometheus', kind: r.error.kind, message: r.error.message });
    });
    if (answers.size === 0)
      return fail(results[0]!.ok ? 'empty' : results[0]!.error.kind, errors[0]?.message ?? 'No query answered.');
    const snap = assembleSnapshot(answers, {
      targetId: this.targetId,
      time: at,
      windowMs,
      resolved: presets.value.resolved,
    });
    const warnings = this.warnings
      .splice(0)
      .map((message) => ({ source: 'prometheus' as const, kind: 'warning', message: `The server warned: ${message}` }));
    snap.errors.push(...dedupe([...errors, ...warnings]));
    return ok(snap);
  }

  /** One Snapshot per step from `start` to `end`, read with query_range. */
  async history(opts: HistoryOptions): Promise<PrometheusResult<Snapshot[]>> {
    if (!(opts.end > opts.start)) return fail('bad-query', 'A history range needs an end after its start.');
    const step = opts.stepMs ?? chooseStep(opts.end - opts.start);
    const windowMs = Math.max(step, opts.minWindowMs ?? 60_000);
    const presets = await this.detect(opts.end);
    if (!presets.ok) return presets;
    const plan = this.plan(presets.value, windowMs);
    const results = await mapLimited(plan, this.concurrency, (q) =>
      this.client.queryRange(q.expr, opts.start, opts.end, step),
    );
    const failed = results.find((r) => !r.ok);
    // A history with holes in some columns would mislead a chart; fail whole instead.
    if (failed && !failed.ok) return failed;
    const byTime = new Map<number, Map<string, VectorSample[]>>();
    results.forEach((r, i) => {
      if (!r.ok) return;
      for (const series of r.value) {
        for (const p of series.points) {
          let answers = byTime.get(p.time);
          if (!answers) byTime.set(p.time, (answers = new Map(plan.map((q) => [q.key, []]))));
          answers.get(plan[i]!.key)!.push({ labels: series.labels, time: p.time, value: p.value });
        }
      }
    });
    const snaps = [...byTime.keys()]
      .sort((a, b) => a - b)
      .map((t) =>
        assembleSnapshot(byTime.get(t)! as QueryAnswers, {
          targetId: this.targetId,
          time: t,
          windowMs,
          resolved: presets.value.resolved,
        }),
      );
    const warnings = dedupe(
      this.warnings.splice(0).map((message) => ({
        source: 'prometheus' as const,
        kind: 'warning',
        message: `The server warned: ${message}`,
      })),
    );
    // The range's warnings concern every point; they are reported once, on the latest.
    snaps.at(-1)?.errors.push(...warnings);
    return ok(snaps);
  }

  /**
   * How often the server scrapes the selector's targets, from the spacing of its stored `up`
   * samples over the last `lookbackMs` (median across instances); undefined before two scrapes.
   */
  async scrapeIntervalMs(time?: number, lookbackMs = 120_000): Promise<PrometheusResult<number | undefined>> {
    const r = await this.client.rawSamples(`${this.upSelector}[${promDuration(lookbackMs)}]`, time ?? this.clock.now());
    if (!r.ok) return r;
    const gaps: number[] = [];
    for (const series of r.value)
      for (let i = 1; i < series.points.length; i++) gaps.push(series.points[i]!.time - series.points[i - 1]!.time);
    if (gaps.length === 0) return ok(undefined);
    gaps.sort((a, b) => a - b);
    return ok(gaps[Math.floor(gaps.length / 2)]!);
  }

  /** The server's pending and firing alerts, the ones about this service first. */
  async serverAlerts(): Promise<PrometheusResult<ServerAlert[]>> {
    const r = await this.client.alerts();
    if (!r.ok) return r;
    const rank = (a: ServerAlert) => (a.matchesTarget ? 0 : 2) + (a.state === 'firing' ? 0 : 1);
    return ok(
      r.value
        .filter((a): a is typeof a & { state: 'pending' | 'firing' } => a.state !== 'inactive')
        .map((a) => ({ ...a, matchesTarget: labelsMatch(a.labels, this.target.matchers) }))
        .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)),
    );
  }
}

function dedupe(errors: Snapshot['errors']): Snapshot['errors'] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
