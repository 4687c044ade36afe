/**
 * The profiler's public surface, for the extension and the CLI: import from here rather than from
 * the files behind it.
 */
export type {
  CallEdge,
  Frame,
  FunctionStats,
  LineWeight,
  Profile,
  SampleType,
  SortKey,
  StackTree,
  TreeChildren,
  WeightUnit,
} from './model';
export {
  callEdges,
  findFunctions,
  functionWeight,
  isHeapProfile,
  linesOf,
  nodeTotals,
  topFunctions,
  treeChildren,
  weightUnit,
} from './model';
export { StackTreeBuilder, mergeProfiles, remapProfile } from './builder';
export type { ImportOptions, ImportResult, ImportedProfile, ProfileFormat } from './formats/index';
export { FORMAT_LABELS, importProfile } from './formats/index';
export type { LoadOptions } from './load';
export { loadProfileFile } from './load';
export type { ProfileSummary, SummaryFunction, SummaryOptions } from './summary';
export { selectProfile, summarizeProfile } from './summary';
export type { DiffOptions, FunctionDiff, FunctionShare, ProfileDiff } from './diff';
export { diffProfiles, twoProportionZ } from './diff';
export type { OriginalPosition, SourceMapOptions } from './sourcemaps';
export { SourceMapResolver, localPathOf } from './sourcemaps';
export { loadProfileInWorker, summarizeInWorker } from './workerClient';
export type { CaptureOptions, InspectorFailureKind, InspectorTarget } from './capture/inspector';
export { captureNodeProfile, enableInspector, findInspector, listInspectorTargets } from './capture/inspector';
export type { InspectorAddress, ProcessRuntime } from './capture/processInfo';
export { inspectorFromArgs, listeningPorts, processRuntime, readCmdline } from './capture/processInfo';
export { fetchPprofProfile, pprofProfileUrl } from './capture/pprofHttp';
export { CPROFILE_INSTRUCTIONS, findOnPath, recordWithPySpy } from './capture/pyspy';
export type { HeapDiff, HeapDiffOptions, SiteGrowth } from './heapDiff';
export { diffHeapProfiles } from './heapDiff';
export type { GrowthOptions, GrowthTarget, HeapGrowth } from './heapGrowth';
export { findWhatGrows } from './heapGrowth';
export { captureNodeHeapGrowth, captureNodeHeapProfile, fetchPprofHeap, pprofHeapUrl } from './capture/heapCapture';
export type { HeapSnapshotSummary } from './heapsnapshot/summary';
export { summarizeHeapSnapshotFile } from './heapsnapshot/summary';
