import type { SettingId } from './constants';
import { SETTINGS } from './constants';

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

export interface PerfLensSettings {
  allowRemoteTargets: boolean;
  metricsPath: string;
  healthPath: string;
  statusPath: string;
  collectionIntervalSeconds: number;
  requestTimeoutMs: number;
  autoAttach: string;
}

type Accessor<T> = { id: SettingId; defaultValue: T; read(source: ConfigurationSource): T };

/** Strips the `perflens.` prefix: a source from getConfiguration('perflens') takes the short key. */
function key(id: SettingId): string {
  return id.slice('perflens.'.length);
}

function booleanSetting(id: SettingId, defaultValue: boolean, opts: { userOnly?: boolean } = {}): Accessor<boolean> {
  return {
    id,
    defaultValue,
    read(source) {
      // A machine-scoped setting is honoured only from the user's own settings: a workspace
      // (possibly untrusted) must never widen what PerfLens may connect to.
      const v = opts.userOnly ? source.inspect<unknown>(key(id))?.globalValue : source.get<unknown>(key(id));
      return typeof v === 'boolean' ? v : defaultValue;
    },
  };
}

function pathSetting(id: SettingId, defaultValue: string): Accessor<string> {
  return {
    id,
    defaultValue,
    read(source) {
      const v = source.get<unknown>(key(id));
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
    read(source) {
      const v = source.get<unknown>(key(id));
      return typeof v === 'string' ? v.trim() : defaultValue;
    },
  };
}

function numberSetting(id: SettingId, defaultValue: number, min: number, max: number): Accessor<number> {
  return {
    id,
    defaultValue,
    read(source) {
      const v = source.get<unknown>(key(id));
      if (typeof v !== 'number' || !Number.isFinite(v)) return defaultValue;
      return Math.min(max, Math.max(min, v));
    },
  };
}

/** Accessor per setting; the manifest test checks these cover package.json exactly. */
export const SETTING_ACCESSORS: { [K in keyof PerfLensSettings]: Accessor<PerfLensSettings[K]> } = {
  allowRemoteTargets: booleanSetting(SETTINGS.allowRemoteTargets, false, { userOnly: true }),
  metricsPath: pathSetting(SETTINGS.metricsPath, '/metrics'),
  healthPath: pathSetting(SETTINGS.healthPath, '/health'),
  statusPath: pathSetting(SETTINGS.statusPath, '/status'),
  collectionIntervalSeconds: numberSetting(SETTINGS.collectionIntervalSeconds, 5, 1, 3600),
  requestTimeoutMs: numberSetting(SETTINGS.requestTimeoutMs, 2000, 100, 60000),
  autoAttach: stringSetting(SETTINGS.autoAttach, ''),
};

/** Reads every setting from a `workspace.getConfiguration('perflens')` source. */
export function readSettings(source: ConfigurationSource): PerfLensSettings {
  const out = {} as Record<keyof PerfLensSettings, unknown>;
  for (const [name, accessor] of Object.entries(SETTING_ACCESSORS) as [keyof PerfLensSettings, Accessor<unknown>][]) {
    out[name] = accessor.read(source);
  }
  return out as PerfLensSettings;
}
