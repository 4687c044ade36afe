/** The history store's public surface. */
export { HistoryStore } from './history';
export { openHistoryStore } from './openStore';
export { encodeHistogram, decodeHistogram } from './histogramCodec';
export type {
  HistoryStoreOptions,
  LatencyOverRange,
  RangePoint,
  RangeResult,
  Resolution,
  SeriesInfo,
} from './storeTypes';
export type { AlertEvent, AlertHistoryFilter, StoredAlertEvent } from './alerts';
export type { MovedAside } from './dbFile';
export { flattenSnapshot } from './flatten';
export type { SeriesValue } from './flatten';
