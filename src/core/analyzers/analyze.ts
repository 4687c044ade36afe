import type { Snapshot } from '../session/types';
import { analyzeBottlenecks } from './bottlenecks';
import { analyzeCaches } from './cache';
import { analyzeLeaks } from './leaks';
import { analyzePools } from './pool';
import type { AnalyzerSettingsInput } from './settings';
import { resolveSettings } from './settings';
import { analyzeTrends } from './trends';
import type { Finding } from './types';
import { sortFindings } from './types';

/** Every analyzer over one window of snapshots (oldest first), most severe findings first. */
export function analyzeSnapshots(snapshots: readonly Snapshot[], settingsInput: AnalyzerSettingsInput = {}): Finding[] {
  const settings = resolveSettings(settingsInput);
  const ordered = [...snapshots].sort((a, b) => a.time - b.time);
  return sortFindings([
    ...analyzeBottlenecks(ordered, settings.bottleneck),
    ...analyzePools(ordered, settings.pool),
    ...analyzeCaches(ordered, settings.cache),
    ...analyzeLeaks(ordered, settings.leak),
    ...analyzeTrends(ordered, settings.trend),
  ]);
}
