/**
 * Every id PerfLens contributes, in one place. package.json must agree with these lists; a unit
 * test (test/unit/extension/manifest.test.ts) compares them both ways.
 */

export const EXTENSION_ID = 'perflens.perflens';
export const OUTPUT_CHANNEL_NAME = 'PerfLens';
export const COMMAND_CATEGORY = 'PerfLens';

export const COMMANDS = {
  attach: 'perflens.attach',
  attachPrometheus: 'perflens.attachPrometheus',
  detach: 'perflens.detach',
  showDashboard: 'perflens.showDashboard',
  diagnoseSlowResponses: 'perflens.diagnoseSlowResponses',
  exportReport: 'perflens.exportReport',
  setWebhookUrl: 'perflens.setWebhookUrl',
  snoozeAlerts: 'perflens.snoozeAlerts',
  profileService: 'perflens.profileService',
  findWhatGrows: 'perflens.findWhatGrows',
  importProfile: 'perflens.importProfile',
  compareProfiles: 'perflens.compareProfiles',
  clearProfile: 'perflens.clearProfile',
  showProfile: 'perflens.showProfile',
  toggleLineHeat: 'perflens.toggleLineHeat',
  analyzeQueries: 'perflens.analyzeQueries',
  benchmarkEndpoint: 'perflens.benchmarkEndpoint',
  copyCreateIndex: 'perflens.copyCreateIndex',
  showQueryPlan: 'perflens.showQueryPlan',
  runWhatIf: 'perflens.runWhatIf',
  startServiceWithTracing: 'perflens.startServiceWithTracing',
  setPostgresConnection: 'perflens.setPostgresConnection',
  showTrace: 'perflens.showTrace',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const SETTINGS = {
  monitoringEnabled: 'perflens.monitoring.enabled',
  allowRemoteTargets: 'perflens.allowRemoteTargets',
  metricsPath: 'perflens.metricsPath',
  healthPath: 'perflens.healthPath',
  statusPath: 'perflens.statusPath',
  collectionIntervalSeconds: 'perflens.collectionIntervalSeconds',
  requestTimeoutMs: 'perflens.requestTimeoutMs',
  maxSeriesPerScrape: 'perflens.maxSeriesPerScrape',
  maxRoutesPerRound: 'perflens.maxRoutesPerRound',
  autoAttach: 'perflens.autoAttach',
  retentionDays: 'perflens.retentionDays',
  maxMemoryMb: 'perflens.maxMemoryMb',
  maxCpuPercent: 'perflens.maxCpuPercent',
  poolAcquireWaitThresholdMs: 'perflens.pool.acquireWaitThresholdMs',
  poolSaturationSamples: 'perflens.pool.saturationSamples',
  cacheMinHitRate: 'perflens.cache.minHitRate',
  cacheMaxMemoryShare: 'perflens.cache.maxMemoryShare',
  leakMinObservationMinutes: 'perflens.leak.minObservationMinutes',
  statusBarHeadline: 'perflens.statusBar.headline',
  alertsEnabled: 'perflens.alerts.enabled',
  alertsQuiet: 'perflens.alerts.quiet',
  alertsResponseTimeSeconds: 'perflens.alerts.responseTimeSeconds',
  alertsErrorRate: 'perflens.alerts.errorRate',
  alertsMemoryUsage: 'perflens.alerts.memoryUsage',
  alertsCpuPercent: 'perflens.alerts.cpuPercent',
  alertsForSeconds: 'perflens.alerts.forSeconds',
  alertsKeepFiringForSeconds: 'perflens.alerts.keepFiringForSeconds',
  profileDurationSeconds: 'perflens.profile.durationSeconds',
  heapGrowthWindowSeconds: 'perflens.heap.growthWindowSeconds',
  profileMaxSizeMb: 'perflens.profile.maxSizeMb',
  codeLensEnabled: 'perflens.codeLens.enabled',
  codeLensMinSelfPercent: 'perflens.codeLens.minSelfPercent',
  lineHeatEnabled: 'perflens.lineHeat.enabled',
  queriesDatabase: 'perflens.queries.database',
  queriesAnalyzeOnSave: 'perflens.queries.analyzeOnSave',
  queriesStatementTimeoutSeconds: 'perflens.queries.statementTimeoutSeconds',
  queriesPostgresUrl: 'perflens.queries.postgresUrl',
  benchmarkConnections: 'perflens.benchmark.connections',
  benchmarkDurationSeconds: 'perflens.benchmark.durationSeconds',
  tracesNPlusOneThreshold: 'perflens.traces.nPlusOneThreshold',
  tracesJavaAgentPath: 'perflens.traces.javaAgentPath',
} as const;
export type SettingId = (typeof SETTINGS)[keyof typeof SETTINGS];

/**
 * Settings that choose what PerfLens connects to or how it is reached. In an untrusted workspace
 * only the user's own value counts (package.json lists them under restrictedConfigurations).
 */
export const TARGET_SETTINGS: readonly SettingId[] = [
  SETTINGS.autoAttach,
  SETTINGS.metricsPath,
  SETTINGS.healthPath,
  SETTINGS.statusPath,
  SETTINGS.queriesPostgresUrl,
];

export const CONTEXT_KEYS = {
  /** True while a target is attached; hides commands that need one. */
  attached: 'perflens.attached',
  /** True in a trusted workspace: profiling and database reading are offered only then. */
  trusted: 'perflens.trusted',
  /** True while alert notifications are snoozed. */
  alertsSnoozed: 'perflens.alertsSnoozed',
  /** True while a CPU profile is loaded (CodeLens, line heat, Hot Functions, Clear Profile). */
  profileLoaded: 'perflens.profileLoaded',
} as const;

export const VIEWS = {
  dashboardPanel: 'perflens.dashboard',
  container: 'perflens',
  services: 'perflens.services',
  alerts: 'perflens.alerts',
  findings: 'perflens.findings',
  hotFunctions: 'perflens.hotFunctions',
  slowQueries: 'perflens.slowQueries',
  profilePanel: 'perflens.profile',
  tracePanel: 'perflens.trace',
} as const;

export const WALKTHROUGH_ID = 'perflens.gettingStarted';

export const STATUS_BAR_ID = 'perflens.status';
export const STATUS_BAR_NAME = 'PerfLens';

/** workspaceState keys. */
export const STATE_KEYS = {
  targets: 'perflens.targets',
  /** Epoch ms until which alert notifications stay quiet (globalState). */
  snoozedUntil: 'perflens.snoozedUntil',
  /** The command line last started with tracing (workspaceState). */
  tracedCommand: 'perflens.tracedCommand',
  /** .env DATABASE_URLs the user answered "Not now" to (workspaceState). */
  declinedEnvPostgresUrls: 'perflens.declinedEnvPostgresUrls',
} as const;

/** SecretStorage keys. */
export const SECRET_KEYS = {
  webhookUrl: 'perflens.webhookUrl',
} as const;

/** File name of the metric history in the extension's global storage folder. */
export const HISTORY_FILE_NAME = 'history.sqlite';

export const ALL_COMMAND_IDS: readonly CommandId[] = Object.values(COMMANDS);
export const ALL_SETTING_IDS: readonly SettingId[] = Object.values(SETTINGS);
