/**
 * Every id PerfLens contributes, in one place. package.json must agree with these lists; a unit
 * test (test/unit/extension/manifest.test.ts) compares them both ways.
 */

export const EXTENSION_ID = 'perflens.perflens';
export const OUTPUT_CHANNEL_NAME = 'PerfLens';
export const COMMAND_CATEGORY = 'PerfLens';

export const COMMANDS = {
  attach: 'perflens.attach',
  detach: 'perflens.detach',
  showDashboard: 'perflens.showDashboard',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const SETTINGS = {
  allowRemoteTargets: 'perflens.allowRemoteTargets',
  metricsPath: 'perflens.metricsPath',
  healthPath: 'perflens.healthPath',
  statusPath: 'perflens.statusPath',
  collectionIntervalSeconds: 'perflens.collectionIntervalSeconds',
  requestTimeoutMs: 'perflens.requestTimeoutMs',
  autoAttach: 'perflens.autoAttach',
} as const;
export type SettingId = (typeof SETTINGS)[keyof typeof SETTINGS];

export const CONTEXT_KEYS = {
  /** True while a target is attached; hides commands that need one. */
  attached: 'perflens.attached',
} as const;

export const VIEWS = {
  dashboardPanel: 'perflens.dashboard',
} as const;

export const STATUS_BAR_ID = 'perflens.status';
export const STATUS_BAR_NAME = 'PerfLens';

/** workspaceState keys. */
export const STATE_KEYS = {
  targets: 'perflens.targets',
} as const;

export const ALL_COMMAND_IDS: readonly CommandId[] = Object.values(COMMANDS);
export const ALL_SETTING_IDS: readonly SettingId[] = Object.values(SETTINGS);
