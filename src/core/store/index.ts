/** The history store's public surface. */
export { HistoryStore, openHistoryStore, encodeHistogram, decodeHistogram } from './history';
export type { HistoryStoreOptions, LatencyOverRange, RangePoint, RangeResult, Resolution, SeriesInfo } from './history';
export type { AlertEvent, AlertHistoryFilter, StoredAlertEvent } from './alerts';
export type { MovedAside } from './dbFile';
export { flattenSnapshot } from './flatten';
export type { SeriesValue } from './flatten';
