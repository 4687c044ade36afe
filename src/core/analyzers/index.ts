/** The analyzers' public surface, for the extension and the CLI. */
export { analyzeSnapshots } from './analyze';
export { analyzePools, recommendPoolSize } from './pool';
export { analyzeCaches } from './cache';
export { analyzeBottlenecks } from './bottlenecks';
export type { BottleneckCause } from './bottlenecks';
export { analyzeLeaks, measureGrowth, memorySeries } from './leaks';
export type { MemoryGrowth } from './leaks';
export {
  analyzeTrends,
  computeTrend,
  forecastSeries,
  metricSeries,
  scalingRecommendation,
  TREND_METRICS,
} from './trends';
export type { Direction, Forecast, Trend, TrendMetric } from './trends';
export { evaluateBudget, measureBudgetMetric, parseBudget } from './budget';
export type { BudgetMetric, BudgetResult, BudgetRule } from './budget';
export { parseSeriesCsv } from './csvSeries';
export type { CsvSeries } from './csvSeries';
export { recordSnapshots, summarizeErrors } from './record';
export type { SnapshotSource } from './record';
export { DEFAULT_ANALYZER_SETTINGS, resolveSettings } from './settings';
export type { AnalyzerSettings, AnalyzerSettingsInput } from './settings';
export { sortFindings, severityAtLeast } from './types';
export type { AnalyzerName, Finding, FindingEvidence, Severity } from './types';
export { AlertEngine } from './alerts/engine';
export type { AlertDeliveryError, AlertStatus } from './alerts/engine';
export { InMemoryAlertHistory } from './alerts/history';
export { DEFAULT_ALERT_THRESHOLDS, DEFAULT_ALERT_TIMING, defaultAlertRules } from './alerts/rules';
export type { AlertThresholds, AlertTiming } from './alerts/rules';
export { StoreAlertHistory } from './alerts/storeHistory';
export type { AlertEventStore } from './alerts/storeHistory';
export { WebhookAlertHandler, redactWebhookUrl, slackPayload } from './alerts/webhook';
export type { SlackPayload, WebhookOptions } from './alerts/webhook';
export type { AlertEvent, AlertHandler, AlertHistory, AlertRule, AlertState, RuleSample } from './alerts/types';
