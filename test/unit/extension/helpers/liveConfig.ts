import type { LiveConfig } from '../../../../src/extension/live/liveMonitor';

/** A live-monitor configuration for tests: the defaults of the settings, a 5 s interval, no alerts unless `over` sets them. */
export function testLiveConfig(over: Partial<LiveConfig> = {}): LiveConfig {
  return {
    enabled: true,
    intervalMs: 5000,
    metricsPath: '/metrics',
    healthPath: '/health',
    statusPath: '/status',
    requestTimeoutMs: 5000,
    allowRemote: false,
    analyzer: {},
    alertsEnabled: false,
    alertRules: [],
    ...over,
  };
}
