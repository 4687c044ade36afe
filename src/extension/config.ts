import type { SettingId } from './constants';
import { SETTINGS, TARGET_SETTINGS } from './constants';

/**
 * The one place PerfLens settings are read. Each contributed setting has a typed accessor here
 * that validates what it gets and falls back to the manifest default, so a hand-edited
 * settings.json with a wrong type never reaches the core.
 */

/** The part of vscode.WorkspaceConfiguration the accessors use (kept structural for unit tests). */
export interface ConfigurationSource {
  get<T>(section: string): T | undefined;
  inspect<T>(section: string): { defaultValue?: T; globalValue?: T } | undefined;
}

export type StatusBarHeadline = 'p95' | 'requestRate';

export interface PerfLensSettings {
  monitoringEnabled: boolean;
  allowRemoteTargets: boolean;
  metricsPath: string;
  healthPath: string;
  statusPath: string;
  collectionIntervalSeconds: number;
  requestTimeoutMs: number;
  maxSeriesPerScrape: number;
  maxRoutesPerRound: number;
  autoAttach: string;
  retentionDays: number;
  maxMemoryMb: number;
  maxCpuPercent: number;
  poolAcquireWaitThresholdMs: number;
  poolSaturationSamples: number;
  cacheMinHitRate: number;
  cacheMaxMemoryShare: number;
  /** Memory history the leak analysis needs before it judges growth, in minutes. */
  leakMinObservationMinutes: number;
  statusBarHeadline: StatusBarHeadline;
  alertsEnabled: boolean;
  alertsQuiet: boolean;
  alertsResponseTimeSeconds: number;
  alertsErrorRate: number;
  alertsMemoryUsage: number;
  alertsCpuPercent: number;
  alertsForSeconds: number;
  alertsKeepFiringForSeconds: number;
  profileDurationSeconds: number;
  /** Seconds between the two heap samples of Find What Grows. */
  heapGrowthWindowSeconds: number;
  profileMaxSizeMb: number;
  codeLensEnabled: boolean;
  codeLensMinSelfPercent: number;
  lineHeatEnabled: boolean;
  queriesDatabase: string;
  queriesAnalyzeOnSave: boolean;
  queriesStatementTimeoutSeconds: number;
  queriesPostgresUrl: string;
  benchmarkConnections: number;
  benchmarkDurationSeconds: number;
  tracesNPlusOneThreshold: number;
  tracesJavaAgentPath: string;
}

/** How a value is looked up: everything merged, or the user's own settings only. */
type Lookup = (source: ConfigurationSource, id: SettingId) => unknown;

export interface ReadContext {
  /** False in an untrusted workspace: target-choosing settings are then read from user settings only. */
  trusted: boolean;
}

type Accessor<T> = { id: SettingId; defaultValue: T; read(source: ConfigurationSource, ctx?: ReadContext): T };

/** Strips the `perflens.` prefix: a source from getConfiguration('perflens') takes the short key. */
function key(id: SettingId): string {
  return id.slice('perflens.'.length);
}

const merged: Lookup = (source, id) => source.get<unknown>(key(id));
const userOnly: Lookup = (source, id) => source.inspect<unknown>(key(id))?.globalValue;

/**
 * A machine-scoped setting is honoured only from the user's own settings (a workspace must never
 * widen what PerfLens may connect to); a target setting is, when the workspace is untrusted.
 */
function lookupFor(id: SettingId, opts: { userOnly?: boolean }, ctx: ReadContext | undefined): Lookup {
  if (opts.userOnly) return userOnly;
  if (ctx && !ctx.trusted && TARGET_SETTINGS.includes(id)) return userOnly;
  return merged;
}

function booleanSetting(id: SettingId, defaultValue: boolean, opts: { userOnly?: boolean } = {}): Accessor<boolean> {
  return {
    id,
    defaultValue,
    read(source, ctx) {
      const v = lookupFor(id, opts, ctx)(source, id);
      return typeof v === 'boolean' ? v : defaultValue;
    },
  };
}

function pathSetting(id: SettingId, defaultValue: string): Accessor<string> {
  return {
    id,
    defaultValue,
    read(source, ctx) {
      const v = lookupFor(id, {}, ctx)(source, id);
      if (typeof v !== 'string' || v.trim() === '') return defaultValue;
      const trimmed = v.trim();
      return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
    },
  };
}

function stringSetting(id: SettingId, defaultValue: string): Accessor<string> {
  return {
    id,
    defaultValue,
    read(source, ctx) {
      const v = lookupFor(id, {}, ctx)(source, id);
      return typeof v === 'string' ? v.trim() : defaultValue;
    },
  };
}

function enumSetting<T extends string>(
  id: SettingId,
  defaultValue: T,
  allowed: readonly T[],
): Accessor<T> & { allowed: readonly T[] } {
  return {
    id,
    defaultValue,
    allowed,
    read(source, ctx) {
      const v = lookupFor(id, {}, ctx)(source, id);
      return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : defaultValue;
    },
  };
}

function numberSetting(
  id: SettingId,
  defaultValue: number,
  min: number,
  max: number,
  opts: { integer?: boolean } = {},
): Accessor<number> & { min: number; max: number } {
  return {
    id,
    defaultValue,
    min,
    max,
    read(source, ctx) {
      const v = lookupFor(id, {}, ctx)(source, id);
      if (typeof v !== 'number' || !Number.isFinite(v)) return defaultValue;
      const clamped = Math.min(max, Math.max(min, v));
      return opts.integer ? Math.round(clamped) : clamped;
    },
  };
}

/** Accessor per setting; the manifest test checks these cover package.json exactly (ids, defaults, ranges). */
export const SETTING_ACCESSORS = {
  monitoringEnabled: booleanSetting(SETTINGS.monitoringEnabled, true),
  allowRemoteTargets: booleanSetting(SETTINGS.allowRemoteTargets, false, { userOnly: true }),
  metricsPath: pathSetting(SETTINGS.metricsPath, '/metrics'),
  healthPath: pathSetting(SETTINGS.healthPath, '/health'),
  statusPath: pathSetting(SETTINGS.statusPath, '/status'),
  collectionIntervalSeconds: numberSetting(SETTINGS.collectionIntervalSeconds, 5, 1, 3600),
  requestTimeoutMs: numberSetting(SETTINGS.requestTimeoutMs, 2000, 100, 60000),
  maxSeriesPerScrape: numberSetting(SETTINGS.maxSeriesPerScrape, 50_000, 100, 10_000_000, { integer: true }),
  maxRoutesPerRound: numberSetting(SETTINGS.maxRoutesPerRound, 200, 1, 100_000, { integer: true }),
  autoAttach: stringSetting(SETTINGS.autoAttach, ''),
  retentionDays: numberSetting(SETTINGS.retentionDays, 30, 1, 365, { integer: true }),
  maxMemoryMb: numberSetting(SETTINGS.maxMemoryMb, 1024, 16, 1_048_576),
  maxCpuPercent: numberSetting(SETTINGS.maxCpuPercent, 80, 1, 6400),
  poolAcquireWaitThresholdMs: numberSetting(SETTINGS.poolAcquireWaitThresholdMs, 5000, 1, 600_000),
  poolSaturationSamples: numberSetting(SETTINGS.poolSaturationSamples, 3, 1, 1000, { integer: true }),
  cacheMinHitRate: numberSetting(SETTINGS.cacheMinHitRate, 0.7, 0, 1),
  cacheMaxMemoryShare: numberSetting(SETTINGS.cacheMaxMemoryShare, 0.8, 0, 1),
  leakMinObservationMinutes: numberSetting(SETTINGS.leakMinObservationMinutes, 10, 1, 1440),
  statusBarHeadline: enumSetting<StatusBarHeadline>(SETTINGS.statusBarHeadline, 'p95', ['p95', 'requestRate']),
  alertsEnabled: booleanSetting(SETTINGS.alertsEnabled, true),
  alertsQuiet: booleanSetting(SETTINGS.alertsQuiet, false),
  alertsResponseTimeSeconds: numberSetting(SETTINGS.alertsResponseTimeSeconds, 1.0, 0.001, 3600),
  alertsErrorRate: numberSetting(SETTINGS.alertsErrorRate, 0.05, 0, 1),
  alertsMemoryUsage: numberSetting(SETTINGS.alertsMemoryUsage, 0.8, 0, 10),
  alertsCpuPercent: numberSetting(SETTINGS.alertsCpuPercent, 80, 1, 6400),
  alertsForSeconds: numberSetting(SETTINGS.alertsForSeconds, 30, 0, 86_400),
  alertsKeepFiringForSeconds: numberSetting(SETTINGS.alertsKeepFiringForSeconds, 60, 0, 86_400),
  profileDurationSeconds: numberSetting(SETTINGS.profileDurationSeconds, 10, 1, 600),
  heapGrowthWindowSeconds: numberSetting(SETTINGS.heapGrowthWindowSeconds, 10, 2, 600),
  profileMaxSizeMb: numberSetting(SETTINGS.profileMaxSizeMb, 256, 1, 512),
  codeLensEnabled: booleanSetting(SETTINGS.codeLensEnabled, true),
  codeLensMinSelfPercent: numberSetting(SETTINGS.codeLensMinSelfPercent, 1, 0, 100),
  lineHeatEnabled: booleanSetting(SETTINGS.lineHeatEnabled, false),
  queriesDatabase: stringSetting(SETTINGS.queriesDatabase, ''),
  queriesAnalyzeOnSave: booleanSetting(SETTINGS.queriesAnalyzeOnSave, true),
  queriesStatementTimeoutSeconds: numberSetting(SETTINGS.queriesStatementTimeoutSeconds, 30, 1, 3600),
  queriesPostgresUrl: stringSetting(SETTINGS.queriesPostgresUrl, ''),
  benchmarkConnections: numberSetting(SETTINGS.benchmarkConnections, 10, 1, 1000, { integer: true }),
  benchmarkDurationSeconds: numberSetting(SETTINGS.benchmarkDurationSeconds, 10, 1, 600),
  tracesNPlusOneThreshold: numberSetting(SETTINGS.tracesNPlusOneThreshold, 5, 2, 1000, { integer: true }),
  tracesJavaAgentPath: stringSetting(SETTINGS.tracesJavaAgentPath, ''),
} satisfies { [K in keyof PerfLensSettings]: Accessor<PerfLensSettings[K]> };

/** Reads every setting from a `workspace.getConfiguration('perflens')` source. */
export function readSettings(source: ConfigurationSource, ctx: ReadContext = { trusted: true }): PerfLensSettings {
  const out = {} as Record<keyof PerfLensSettings, unknown>;
  for (const [name, accessor] of Object.entries(SETTING_ACCESSORS) as [keyof PerfLensSettings, Accessor<unknown>][]) {
    out[name] = accessor.read(source, ctx);
  }
  return out as PerfLensSettings;
}
