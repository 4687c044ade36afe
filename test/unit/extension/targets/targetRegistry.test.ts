import * as assert from 'node:assert/strict';
import type { AttachedTarget, StateStore } from '../../../../src/extension/targets/targetRegistry';
import { labelFor, processInput, TargetRegistry, targetId } from '../../../../src/extension/targets/targetRegistry';

/** workspaceState's contract: values round-trip through JSON. */
class JsonStateStore implements StateStore {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const KEY = 'perflens.targets';

function target(input: string, port: number, attachedAt = 1000): AttachedTarget {
  const spec = { kind: 'url' as const, baseUrl: `http://127.0.0.1:${port}` };
  return { input, spec, label: labelFor(spec), attachedAt };
}

describe('TargetRegistry', () => {
  it('starts empty, remembers the attached target across instances (a window reload)', async () => {
    const store = new JsonStateStore();
    const first = new TargetRegistry(store, KEY);
    assert.equal(first.current, undefined);
    await first.attach(target('http://127.0.0.1:3000', 3000));
    const reloaded = new TargetRegistry(store, KEY);
    assert.equal(reloaded.current?.label, '127.0.0.1:3000');
    assert.deepEqual(reloaded.recent, ['http://127.0.0.1:3000']);
  });

  it('keeps the five most recent distinct inputs, newest first', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    for (const p of [1, 2, 3, 2, 4, 5, 6]) await r.attach(target(String(p), p));
    assert.deepEqual(r.recent, ['6', '5', '4', '2', '3']);
  });

  it('detaches, notifying listeners, and keeps the recent list', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    const seen: (string | undefined)[] = [];
    const sub = r.onDidChange((t) => seen.push(t?.label));
    await r.attach(target('3000', 3000));
    assert.equal((await r.detach())?.label, '127.0.0.1:3000');
    assert.equal(await r.detach(), undefined);
    sub.dispose();
    await r.attach(target('4000', 4000));
    assert.deepEqual(seen, ['127.0.0.1:3000', undefined]);
    assert.deepEqual(r.recent, ['4000', '3000']);
  });

  it('keeps notifying the other listeners, and still attaches, when one listener throws', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    const seen: (string | undefined)[] = [];
    r.onDidChange(() => {
      throw new Error('a broken view');
    });
    r.onDidChange((t) => seen.push(t?.label));
    await r.attach(target('3000', 3000));
    assert.equal(r.current?.label, '127.0.0.1:3000');
    assert.deepEqual(seen, ['127.0.0.1:3000']);
  });

  it('records a probe only for the target it was taken of', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    const old = target('3000', 3000, 1);
    await r.attach(old);
    await r.attach(target('4000', 4000, 2));
    const endpoint = { path: '/metrics', url: 'http://127.0.0.1:3000/metrics', reachable: true, status: 200 };
    await r.recordProbe(
      old,
      { baseUrl: old.spec.kind === 'url' ? old.spec.baseUrl : '', metrics: endpoint, health: endpoint },
      5,
    );
    assert.equal(r.current?.probe, undefined);
  });

  it('drops stored state it cannot read instead of trusting it', () => {
    const store = new JsonStateStore();
    store.data.set(KEY, JSON.stringify({ version: 1, current: { input: 3 }, recent: [] }));
    assert.equal(new TargetRegistry(store, KEY).current, undefined);
    store.data.set(KEY, JSON.stringify('garbage'));
    assert.deepEqual(new TargetRegistry(store, KEY).recent, []);
  });

  it('labels targets by host:port or pid', () => {
    assert.equal(labelFor({ kind: 'url', baseUrl: 'http://localhost:8080/api' }), 'localhost:8080');
    assert.equal(labelFor({ kind: 'pid', pid: 42 }), 'pid 42');
  });
});

describe('TargetRegistry with several targets', () => {
  it('keeps every attached target, the newest current, and detaches by id', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    await r.attach(target('3000', 3000, 1));
    await r.attach(target('4000', 4000, 2));
    assert.deepEqual(
      r.attached.map((t) => t.label),
      ['127.0.0.1:3000', '127.0.0.1:4000'],
    );
    assert.equal(r.current?.label, '127.0.0.1:4000');
    assert.equal((await r.detach('http://127.0.0.1:3000'))?.label, '127.0.0.1:3000');
    assert.deepEqual(
      r.attached.map((t) => t.label),
      ['127.0.0.1:4000'],
    );
    assert.equal(await r.detach('http://127.0.0.1:3000'), undefined);
  });

  it('re-attaching the same target replaces it and makes it current', async () => {
    const r = new TargetRegistry(new JsonStateStore(), KEY);
    await r.attach(target('3000', 3000, 1));
    await r.attach(target('4000', 4000, 2));
    await r.attach(target('http://127.0.0.1:3000', 3000, 3));
    assert.deepEqual(
      r.attached.map((t) => t.attachedAt),
      [2, 3],
    );
    assert.equal(targetId(r.current!.spec), 'http://127.0.0.1:3000');
  });

  it('reads what version 1 stored (one current target)', () => {
    const store = new JsonStateStore();
    const t = target('3000', 3000);
    store.data.set(KEY, JSON.stringify({ version: 1, current: t, recent: ['3000'] }));
    const r = new TargetRegistry(store, KEY);
    assert.deepEqual(r.attached, [t]);
    assert.deepEqual(r.recent, ['3000']);
  });

  it('uses the base URL or pid:N as the target id', () => {
    assert.equal(targetId({ kind: 'url', baseUrl: 'http://localhost:8080' }), 'http://localhost:8080');
    assert.equal(targetId({ kind: 'port', port: 3000, baseUrl: 'http://127.0.0.1:3000' }), 'http://127.0.0.1:3000');
    assert.equal(targetId({ kind: 'pid', pid: 42 }), 'pid:42');
  });
});

describe('processInput', () => {
  it("gives what reaches a target's own process, and nothing for a Prometheus server or an OTLP sender", () => {
    assert.equal(processInput({ kind: 'pid', pid: 42 }), 'pid:42');
    assert.equal(processInput({ kind: 'url', baseUrl: 'http://127.0.0.1:3000' }), 'http://127.0.0.1:3000');
    assert.equal(processInput({ kind: 'port', port: 3000, baseUrl: 'http://localhost:3000' }), 'http://localhost:3000');
    assert.equal(
      processInput({ kind: 'prometheus', serverUrl: 'http://127.0.0.1:9090', selector: 'job="demo"' }),
      undefined,
    );
    assert.equal(processInput({ kind: 'otlp', service: 'orders' }), undefined);
  });
});
