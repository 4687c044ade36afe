import * as assert from 'node:assert/strict';
import type { ConfigurationSource } from '../../../src/extension/config';
import { readSettings, SETTING_ACCESSORS } from '../../../src/extension/config';

/** A configuration as VS Code merges it: `get` sees every layer, `inspect` tells them apart. */
function configuration(layers: {
  user?: Record<string, unknown>;
  workspace?: Record<string, unknown>;
}): ConfigurationSource {
  return {
    get<T>(k: string) {
      return (layers.workspace?.[k] ?? layers.user?.[k]) as T | undefined;
    },
    inspect<T>(k: string) {
      return { globalValue: layers.user?.[k] as T | undefined, workspaceValue: layers.workspace?.[k] as T | undefined };
    },
  };
}

describe('config', () => {
  it('falls back to the defaults when nothing is set', () => {
    const s = readSettings(configuration({}));
    assert.equal(s.allowRemoteTargets, false);
    assert.equal(s.metricsPath, '/metrics');
    assert.equal(s.healthPath, '/health');
    assert.equal(s.statusPath, '/status');
    assert.equal(s.collectionIntervalSeconds, 5);
    assert.equal(s.requestTimeoutMs, 2000);
    assert.equal(s.autoAttach, '');
    // Every accessor, including ones added later, yields its declared default.
    for (const [name, accessor] of Object.entries(SETTING_ACCESSORS))
      assert.deepEqual(s[name as keyof typeof s], accessor.defaultValue, name);
  });

  it('reads set values and normalises paths', () => {
    const s = readSettings(
      configuration({
        user: { metricsPath: 'prom', healthPath: ' /healthz ', collectionIntervalSeconds: 15, autoAttach: ' 3000 ' },
      }),
    );
    assert.equal(s.metricsPath, '/prom');
    assert.equal(s.healthPath, '/healthz');
    assert.equal(s.collectionIntervalSeconds, 15);
    assert.equal(s.autoAttach, '3000');
  });

  it('ignores values of the wrong type and clamps numbers to their range', () => {
    const s = readSettings(
      configuration({
        user: { metricsPath: 42, allowRemoteTargets: 'yes', collectionIntervalSeconds: 0, requestTimeoutMs: 1e9 },
      }),
    );
    assert.equal(s.metricsPath, '/metrics');
    assert.equal(s.allowRemoteTargets, false);
    assert.equal(s.collectionIntervalSeconds, 1);
    assert.equal(s.requestTimeoutMs, 60000);
  });

  it('honours allowRemoteTargets from the user settings only, never from a workspace', () => {
    assert.equal(readSettings(configuration({ user: { allowRemoteTargets: true } })).allowRemoteTargets, true);
    assert.equal(readSettings(configuration({ workspace: { allowRemoteTargets: true } })).allowRemoteTargets, false);
  });

  it('has one accessor per settings field', () => {
    assert.deepEqual(Object.keys(SETTING_ACCESSORS).sort(), Object.keys(readSettings(configuration({}))).sort());
  });
});

describe('config in an untrusted workspace', () => {
  const layers = {
    user: { metricsPath: '/prom', autoAttach: '' },
    workspace: {
      metricsPath: '/evil',
      healthPath: '/x',
      statusPath: '/y',
      autoAttach: 'http://127.0.0.1:9',
      collectionIntervalSeconds: 2,
    },
  };

  it('reads target settings (autoAttach, metrics/health/status paths) from the user settings only', () => {
    const s = readSettings(configuration(layers), { trusted: false });
    assert.equal(s.autoAttach, '');
    assert.equal(s.metricsPath, '/prom');
    assert.equal(s.healthPath, '/health');
    assert.equal(s.statusPath, '/status');
    // Settings that cannot point PerfLens anywhere still come from the workspace.
    assert.equal(s.collectionIntervalSeconds, 2);
  });

  it('honours the workspace values once trusted', () => {
    const s = readSettings(configuration(layers), { trusted: true });
    assert.equal(s.autoAttach, 'http://127.0.0.1:9');
    assert.equal(s.metricsPath, '/evil');
  });

  it('validates the headline enum, integer settings and shares', () => {
    const s = readSettings(
      configuration({
        user: {
          'statusBar.headline': 'cpu',
          retentionDays: 7.6,
          'cache.minHitRate': 3,
          'alerts.errorRate': -1,
          'alerts.quiet': 'yes',
        },
      }),
    );
    assert.equal(s.statusBarHeadline, 'p95');
    assert.equal(s.retentionDays, 8);
    assert.equal(s.cacheMinHitRate, 1);
    assert.equal(s.alertsErrorRate, 0);
    assert.equal(s.alertsQuiet, false);
    assert.equal(
      readSettings(configuration({ user: { 'statusBar.headline': 'requestRate' } })).statusBarHeadline,
      'requestRate',
    );
  });
});
