import * as assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args';
import { cliAlertSettings } from '../../../src/cli/commands/alerting';
import { LIVE_FLAGS } from '../../../src/cli/commands/analyze';
import { replayAlerts } from '../../../src/cli/commands/prometheus';
import { DEFAULT_ALERT_THRESHOLDS, DEFAULT_ALERT_TIMING } from '../../../src/core/analyzers/alerts/rules';
import type { PrometheusReport } from '../../../src/core/prometheus/report';
import { snapshot } from '../../helpers/builders';

const args = (argv: string[]) => parseArgs(argv, { valued: LIVE_FLAGS, boolean: [] });
const emptyReport = (): PrometheusReport => ({
  server: { url: 'http://127.0.0.1:9090' },
  selector: '{job="api"}',
  window: { from: 0, to: 60_000 },
  summary: snapshot({ targetId: 'prometheus', time: 60_000 }),
  history: [],
  historyStepSeconds: 15,
});

describe('CLI alerting: one setup for analyze, check and their Prometheus forms', () => {
  it('a replay over a Prometheus server refuses a webhook URL that is not http(s), as the live window does, without echoing it', async () => {
    await assert.rejects(
      replayAlerts(emptyReport(), args([]), { env: { PERFLENS_WEBHOOK_URL: 'hooks.example/T0/secret' } }),
      (e: Error) => {
        assert.match(e.message, /PERFLENS_WEBHOOK_URL is set but is not an http\(s\) URL/);
        assert.ok(!e.message.includes('secret'));
        return true;
      },
    );
  });

  it('times every rule by the engine defaults unless --alert-for / --alert-keep-firing say otherwise', () => {
    assert.deepEqual(cliAlertSettings(args([])), {
      maxMemoryMb: DEFAULT_ALERT_THRESHOLDS.maxMemoryMb,
      timing: DEFAULT_ALERT_TIMING,
    });
    assert.deepEqual(
      cliAlertSettings(args(['--alert-for', '5s', '--alert-keep-firing', '0s', '--max-memory', '512MB'])),
      { maxMemoryMb: 512, timing: { forMs: 5000, keepFiringForMs: 0 } },
    );
  });
});
