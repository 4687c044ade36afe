import * as assert from 'node:assert/strict';
import {
  parsePrometheusTarget,
  prometheusAuthFromEnv,
  prometheusTargetId,
} from '../../../../src/core/prometheus/target';

describe('prometheus target', () => {
  it('normalises the URL (keeping a path prefix) and the selector', () => {
    const t = parsePrometheusTarget('127.0.0.1:9090/prometheus/', '{ job = "demo",instance=~"127.0.0.1:.*" }');
    assert.ok(t.ok);
    assert.equal(t.value.serverUrl, 'http://127.0.0.1:9090/prometheus');
    assert.equal(t.value.selector, 'job="demo", instance=~"127.0.0.1:.*"');
    assert.equal(
      prometheusTargetId(t.value),
      'prometheus:http://127.0.0.1:9090/prometheus{job="demo", instance=~"127.0.0.1:.*"}',
    );
  });

  it('refuses a remote server unless allowed, credentials in the URL, other schemes and bad selectors', () => {
    const remote = parsePrometheusTarget('https://prometheus.example.org', 'job="api"');
    assert.ok(!remote.ok && remote.error.kind === 'remote');
    assert.match(remote.error.message, /--allow-remote/);
    assert.ok(parsePrometheusTarget('https://prometheus.example.org', 'job="api"', { allowRemote: true }).ok);
    const creds = parsePrometheusTarget('http://ann:secret@127.0.0.1:9090', 'job="api"');
    assert.ok(!creds.ok && creds.error.kind === 'bad-credentials');
    assert.ok(!creds.error.message.includes('secret'));
    const scheme = parsePrometheusTarget('ftp://127.0.0.1', 'job="api"');
    assert.ok(!scheme.ok && scheme.error.kind === 'invalid-url');
    const sel = parsePrometheusTarget('http://127.0.0.1:9090', 'job=api');
    assert.ok(!sel.ok && sel.error.kind === 'bad-selector');
  });

  it('reads a bearer token or basic credentials from the environment, and refuses half or both', () => {
    assert.deepEqual(prometheusAuthFromEnv({}), { ok: true, value: undefined });
    assert.deepEqual(prometheusAuthFromEnv({ PERFLENS_PROMETHEUS_TOKEN: 't0k' }), {
      ok: true,
      value: { kind: 'bearer', token: 't0k' },
    });
    assert.deepEqual(prometheusAuthFromEnv({ PERFLENS_PROMETHEUS_USER: 'ann', PERFLENS_PROMETHEUS_PASSWORD: '' }), {
      ok: true,
      value: { kind: 'basic', user: 'ann', password: '' },
    });
    for (const env of [
      { PERFLENS_PROMETHEUS_USER: 'ann' },
      { PERFLENS_PROMETHEUS_PASSWORD: 'x' },
      { PERFLENS_PROMETHEUS_TOKEN: 't', PERFLENS_PROMETHEUS_USER: 'ann', PERFLENS_PROMETHEUS_PASSWORD: 'x' },
      { PERFLENS_PROMETHEUS_USER: 'a:b', PERFLENS_PROMETHEUS_PASSWORD: 'x' },
    ]) {
      const r = prometheusAuthFromEnv(env);
      assert.ok(!r.ok && r.error.kind === 'bad-credentials', JSON.stringify(env));
    }
  });
});
