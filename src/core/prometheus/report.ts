/**
 * `perflens report/check --prometheus`: the service over the last `durationMs`, read from the
 * server's stored history at once (no waiting: the server already has the data), with a summary
 * snapshot, its history at a step chosen from the range, and the server's own alerts.
 */
import type { Snapshot } from '../session/types';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import type { PrometheusFailureKind } from './client';
import type { PrometheusSource } from './source';
import { chooseStep } from './source';

export interface PrometheusReport {
  server: { url: string; version?: string };
  selector: string;
  /** Epoch milliseconds. */
  window: { from: number; to: number };
  /** Seconds between the server's scrapes of the service, when it has stored at least two. */
  scrapeIntervalSeconds?: number;
  /** The whole window: rates and percentiles over `durationMs`, per instance and per route. */
  summary: Snapshot;
  /** One snapshot per step across the window, for trends, charts and the analyzers. */
  history: Snapshot[];
  historyStepSeconds: number;
}

export interface PrometheusReportOptions {
  durationMs: number;
  /** End of the window, epoch ms; default now. */
  end?: number;
  /** Most history points to read (default 120). */
  maxPoints?: number;
}

/** Prometheus needs two samples in a window for a rate; below this the window is refused. */
const MIN_SCRAPES_PER_WINDOW = 2;

export async function readPrometheusReport(
  source: PrometheusSource,
  opts: PrometheusReportOptions,
): Promise<Result<PrometheusReport, PrometheusFailureKind | 'window-too-short'>> {
  // Build info first: the cheapest call, and it turns a wrong URL or credentials into one clear
  // failure. Servers that only implement the query API (some proxies) answer 404: carry on.
  const info = await source.client.buildInfo();
  if (!info.ok && info.error.kind !== 'not-found') return info;
  const end = opts.end ?? Date.now();
  const start = end - opts.durationMs;
  const interval = await source.scrapeIntervalMs(end);
  if (!interval.ok) return interval;
  const scrapeMs = interval.value;
  if (scrapeMs !== undefined && opts.durationMs < MIN_SCRAPES_PER_WINDOW * scrapeMs) {
    return fail(
      'window-too-short',
      `The server scrapes {${source.target.selector}} every ${scrapeMs / 1000} s, so a ${opts.durationMs / 1000} s window holds fewer than ${MIN_SCRAPES_PER_WINDOW} samples and no rate can be computed. Use --duration ${Math.ceil((4 * scrapeMs) / 1000)}s or more.`,
    );
  }
  const summary = await source.snapshot(opts.durationMs, end);
  if (!summary.ok) return summary;
  const step = chooseStep(opts.durationMs, opts.maxPoints ?? 120);
  // Each history point's rates cover at least 4 scrapes (Prometheus's own advice) and one step.
  const minWindowMs = Math.max(step, 4 * (scrapeMs ?? 15_000));
  const history = await source.history({
    start: start + Math.min(minWindowMs, opts.durationMs / 2),
    end,
    stepMs: step,
    minWindowMs,
  });
  if (!history.ok)
    summary.value.errors.push({
      source: 'prometheus',
      kind: history.error.kind,
      message: `History not read: ${history.error.message}`,
    });
  const alerts = await source.serverAlerts();
  if (alerts.ok) summary.value.serverAlerts = alerts.value;
  else
    summary.value.errors.push({
      source: 'prometheus',
      kind: alerts.error.kind,
      message: `The server's alerts could not be read: ${alerts.error.message}`,
    });
  return ok({
    server: { url: source.target.serverUrl, ...(info.ok ? { version: info.value.version } : {}) },
    selector: source.target.selector,
    window: { from: start, to: end },
    ...(scrapeMs !== undefined ? { scrapeIntervalSeconds: scrapeMs / 1000 } : {}),
    summary: summary.value,
    history: history.ok ? history.value : [],
    historyStepSeconds: step / 1000,
  });
}
