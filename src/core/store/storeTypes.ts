/** Public shapes of the history store's options and query results. */
import type { Clock } from '../util/clock';
import type { FileLockOptions } from './fileLock';

export type Resolution = 'raw' | '1m' | '1h';

export interface HistoryStoreOptions {
  /** Where to persist; without a file the history is kept in memory only. */
  file?: string;
  clock?: Clock;
  retentionDays?: number;
  rawRetentionHours?: number;
  minuteRetentionHours?: number;
  /** A write is saved at most this long after it happened (default 15 s). */
  persistDebounceMs?: number;
  /** Called when a debounced save fails (the data stays in memory and the next save retries). */
  onPersistError?: (message: string) => void;
  /** How saves wait for another PerfLens process saving the same file (see fileLock.ts). */
  lock?: FileLockOptions;
}

export interface RangePoint {
  /** Start of the bucket (raw: the sample time), epoch ms. */
  t: number;
  min: number;
  max: number;
  avg: number;
  count: number;
}

export interface RangeResult {
  resolution: Resolution;
  points: RangePoint[];
}

export interface LatencyOverRange {
  resolution: Resolution;
  /** Observations in the range. */
  count: number;
  avgMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface SeriesInfo {
  target: string;
  name: string;
  labels: Record<string, string>;
}
