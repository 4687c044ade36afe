/**
 * Messages between the Profile panel (extension host) and its page (webview), named and checked as
 * every webview protocol is (./messageCheck.ts). Both sides switch over `type` exhaustively and end
 * in assertNever (src/shared/assertNever.ts). Function names and file names are data: the page
 * sets them with textContent or draws them on the canvas, never as HTML.
 */
import { field, messageChecker } from './messageCheck';

export type WeightUnit = 'ms' | 'samples' | 'bytes' | 'objects';

export interface FunctionRow {
  /** Frame index in the profile: what openSource and focus refer to. */
  frame: number;
  name: string;
  file: string;
  line: number;
  /** Calls, where the format records them (pstats); null otherwise. */
  calls: number | null;
  self: number;
  total: number;
  selfShare: number;
  totalShare: number;
}

/** The call tree in flat arrays: node 0 is the root, every parent index is smaller than its child's. */
export interface FlameTree {
  parent: number[];
  frame: number[];
  self: number[];
}

export interface BenchmarkView {
  url: string;
  connections: number;
  durationSeconds: number | null;
  amount: number | null;
  requests: number;
  requestsPerSec: number;
  bytesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

export interface ProfileViewData {
  title: string;
  unit: WeightUnit;
  /** Heap profiles: the sample type shown (e.g. inuse_space); null for CPU profiles. */
  sampleType: string | null;
  /** The sample types the page may switch to (a heap profile read from a file); empty otherwise. */
  sampleTypes: string[];
  /** Sum of all self weights, in `unit`. */
  total: number;
  samples: number | null;
  durationMs: number | null;
  /** Function name per frame index (for the flame graph). */
  names: string[];
  rows: FunctionRow[];
  /** Null for flat profiles (pstats), which have no stacks. */
  flame: FlameTree | null;
  warnings: string[];
  benchmark: BenchmarkView | null;
}

export type DiffStatus = 'regressed' | 'improved' | 'unchanged';

export interface DiffRow {
  name: string;
  file: string;
  line: number;
  beforeSelf: number;
  afterSelf: number;
  beforeTotal: number;
  afterTotal: number;
  selfDelta: number;
  pValue: number | null;
  status: DiffStatus;
}

export interface DiffViewData {
  before: string;
  after: string;
  weight: 'time' | 'samples';
  rows: DiffRow[];
}

export type HostToProfile =
  | { type: 'profile'; data: ProfileViewData; focus: number | null }
  | { type: 'diff'; data: DiffViewData }
  | { type: 'focus'; frame: number }
  | { type: 'empty'; message: string };

export type ProfileToHost =
  | { type: 'ready' }
  | { type: 'openSource'; frame: number }
  | { type: 'openDiffSource'; row: number }
  | { type: 'sampleType'; sampleType: string }
  | { type: 'rendered'; view: 'profile' | 'diff'; renderMs: number; firstRow: string };

/** Checks a message from the page before the host acts on it: a page is code the host does not trust. */
export const checkProfileToHost = messageChecker<ProfileToHost>('profile', {
  ready: {},
  openSource: { frame: field.index },
  openDiffSource: { row: field.index },
  sampleType: { sampleType: field.string },
  rendered: { view: field.oneOf('profile', 'diff'), renderMs: field.finiteNumber, firstRow: field.string },
});
