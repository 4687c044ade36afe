/** The parsed exposition model shared by the parser, derived metrics, presets and the CLI. */

export type MetricType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown' | 'untyped';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface Sample {
  /** Full sample name, e.g. http_request_duration_seconds_bucket. */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Seconds in OpenMetrics, milliseconds in Prometheus text: kept as written. */
  timestamp?: number;
  exemplar?: Exemplar;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: Sample[];
}

export interface ParseResult {
  format: ExpositionFormat;
  families: MetricFamily[];
  /** Lenient mode only: lines skipped, with their 1-based number and reason (first few kept). */
  skippedLines: number;
  /**
   * Lenient mode only, by line: why lines were skipped, and rule breaks in data that was kept
   * (a negative counter, a missing `# EOF`, invalid UTF-8), the first 20 of them.
   */
  problems: { line: number; reason: string }[];
}
