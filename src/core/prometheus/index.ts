/**
 * Reading a service from a Prometheus server (or Thanos, Mimir, VictoriaMetrics): the public
 * surface for the CLI and the extension.
 *
 *   const target = parsePrometheusTarget(url, 'job="api"', { auth, allowRemote });   // Result
 *   const session = new PrometheusSession({ target: target.value });                // live, like AttachSession
 *   const source = new PrometheusSource({ target: target.value });
 *   await source.snapshot(windowMs);          // one Snapshot with `instances`
 *   await source.history({ start, end });     // Snapshot[] from query_range (charts over long ranges)
 *   await source.serverAlerts();              // the server's pending/firing alerts
 */
export type { PrometheusAuth, PrometheusFailureKind, PrometheusAlert, BuildInfo } from './client';
export { PrometheusClient } from './client';
export type { LabelMatcher } from './selector';
export { parseSelector, renderSelector, quoteLabelValue } from './selector';
export type { PrometheusTarget, PrometheusTargetFailureKind } from './target';
export { parsePrometheusTarget, prometheusAuthFromEnv, prometheusTargetId } from './target';
export type { HistoryOptions } from './source';
export { PrometheusSource, chooseStep } from './source';
export type { PrometheusSessionOptions } from './session';
export { PrometheusSession, DEFAULT_PROMETHEUS_INTERVAL_MS, DEFAULT_RATE_WINDOW_MS } from './session';
export type { PrometheusReport, PrometheusReportOptions } from './report';
export { readPrometheusReport } from './report';
export { evaluatePrometheusBudget, instanceAlertRules } from './judge';
