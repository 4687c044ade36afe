import * as assert from 'node:assert/strict';
import { parsePrometheusTarget } from '../../../../src/core/prometheus';
import {
  attachAdvice,
  basicUserProblem,
  deserializeAuth,
  parsePrometheusInput,
  prometheusInput,
  prometheusLabel,
  prometheusSecretKey,
  readAttachPrometheusArgs,
  refusesAttach,
  selectorProblem,
  serializeAuth,
  serverUrlProblem,
  specOf,
} from '../../../../src/extension/targets/prometheusTarget';
import type { AttachedTarget, StateStore } from '../../../../src/extension/targets/targetRegistry';
import { labelFor, TargetRegistry, targetId } from '../../../../src/extension/targets/targetRegistry';

class MemoryState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    // Through JSON, as VS Code's Memento stores it.
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

function target(url: string, selector: string) {
  const r = parsePrometheusTarget(url, selector, { allowRemote: false });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('Prometheus targets in the editor', () => {
  it('writes a target as one input and reads it back, with the core session id', () => {
    const spec = specOf(target('http://127.0.0.1:9090/prom/', 'job = "api", instance=~"10\\\\.0\\\\..*"'));
    const input = prometheusInput(spec);
    assert.equal(input, `prometheus:http://127.0.0.1:9090/prom{${spec.selector}}`);
    assert.equal(targetId(spec), input);
    const back = parsePrometheusInput(input);
    assert.ok(back);
    assert.deepEqual(specOf(target(back.url, back.selector)), spec);
    assert.equal(parsePrometheusInput('http://127.0.0.1:3000'), undefined);
    assert.equal(parsePrometheusInput('prometheus:{job="x"}'), undefined);
  });

  it('labels a target by selector and host', () => {
    const spec = specOf(target('localhost:9090', 'job="api"'));
    assert.equal(prometheusLabel(spec), 'job="api" @ localhost:9090');
    assert.equal(labelFor(spec), 'job="api" @ localhost:9090');
  });

  it('keeps Prometheus targets across a reload, without credentials', async () => {
    const state = new MemoryState();
    const spec = specOf({
      ...target('http://127.0.0.1:9090', 'job="api"'),
      auth: { kind: 'bearer', token: 'secret-token' },
    });
    const attached: AttachedTarget = { input: prometheusInput(spec), spec, label: labelFor(spec), attachedAt: 1000 };
    await new TargetRegistry(state, 'targets').attach(attached);
    assert.ok(
      !JSON.stringify(state.values.get('targets')).includes('secret-token'),
      'credentials never reach workspace state',
    );
    const reloaded = new TargetRegistry(state, 'targets');
    assert.deepEqual(reloaded.current, attached);
    assert.deepEqual(reloaded.find(targetId(spec))?.spec, {
      kind: 'prometheus',
      serverUrl: 'http://127.0.0.1:9090',
      selector: 'job="api"',
    });
    assert.deepEqual(reloaded.recent, [attached.input]);
  });

  it('stores credentials per server URL and reads back only well-formed ones', () => {
    assert.equal(prometheusSecretKey('http://127.0.0.1:9090'), 'perflens.prometheus.auth:http://127.0.0.1:9090');
    assert.deepEqual(deserializeAuth(serializeAuth({ kind: 'bearer', token: 't0k' })), {
      kind: 'bearer',
      token: 't0k',
    });
    assert.deepEqual(deserializeAuth(serializeAuth({ kind: 'basic', user: 'u', password: '' })), {
      kind: 'basic',
      user: 'u',
      password: '',
    });
    for (const bad of [
      undefined,
      '',
      'not json',
      '{"kind":"bearer","token":""}',
      '{"kind":"basic","user":"u"}',
      '{"kind":"digest"}',
      '[]',
      'null',
    ])
      assert.equal(deserializeAuth(bad), undefined, String(bad));
    assert.equal(basicUserProblem('me'), undefined);
    assert.match(basicUserProblem('me:you') ?? '', /cannot contain ":"/);
    assert.match(basicUserProblem('') ?? '', /Enter the user name/);
  });

  it('checks the URL and the selector with the core parsers, as the input boxes show them', () => {
    assert.equal(serverUrlProblem('http://127.0.0.1:9090', false), undefined);
    assert.match(
      serverUrlProblem('http://prometheus.example.com', false) ?? '',
      /not on this machine.*perflens\.allowRemoteTargets/,
    );
    assert.equal(serverUrlProblem('http://prometheus.example.com', true), undefined);
    assert.match(serverUrlProblem('ftp://127.0.0.1', false) ?? '', /Only http and https/);
    assert.match(serverUrlProblem('http://u:p@127.0.0.1:9090', false) ?? '', /not in the URL/);
    assert.match(serverUrlProblem('  ', false) ?? '', /Enter the Prometheus server URL/);
    assert.equal(selectorProblem('job="api", instance!="a"'), undefined);
    assert.ok(selectorProblem('job=api'), 'an unquoted value is refused');
    assert.ok(selectorProblem('job="api"}'));
    assert.match(selectorProblem('') ?? '', /Enter a selector/);
  });

  it('reads the command arguments: object, input string or a recent tree item', () => {
    assert.deepEqual(readAttachPrometheusArgs(undefined), { ok: true, value: undefined });
    assert.deepEqual(readAttachPrometheusArgs({ url: 'http://127.0.0.1:9090', selector: 'job="a"' }), {
      ok: true,
      value: { url: 'http://127.0.0.1:9090', selector: 'job="a"' },
    });
    const withAuth = readAttachPrometheusArgs({
      url: 'u',
      selector: 's',
      auth: { kind: 'basic', user: 'a', password: 'b' },
    });
    assert.deepEqual(withAuth, {
      ok: true,
      value: { url: 'u', selector: 's', auth: { kind: 'basic', user: 'a', password: 'b' } },
    });
    assert.deepEqual(readAttachPrometheusArgs({ targetInput: 'prometheus:http://127.0.0.1:9090{job="a"}' }), {
      ok: true,
      value: { url: 'http://127.0.0.1:9090', selector: 'job="a"' },
    });
    for (const bad of [
      42,
      { url: 'u' },
      { url: 'u', selector: 's', auth: { kind: 'bearer' } },
      'http://127.0.0.1:3000',
    ])
      assert.equal(readAttachPrometheusArgs(bad).ok, false, JSON.stringify(bad));
  });

  it('refuses targets that are wrong and keeps those whose server is down or still scraping', () => {
    for (const kind of ['bad-selector', 'bad-query', 'invalid-url', 'unauthorized', 'not-found'])
      assert.ok(refusesAttach(kind), kind);
    for (const kind of ['unreachable', 'timeout', 'empty', 'server-error']) assert.ok(!refusesAttach(kind), kind);
    assert.match(attachAdvice('unreachable'), /keeps trying/);
    assert.match(attachAdvice('timeout'), /narrower selector/);
    assert.match(attachAdvice('empty'), /just started scraping/);
  });
});
