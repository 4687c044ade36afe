import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  captureNodeProfile,
  enableInspector,
  findInspector,
  listInspectorTargets,
} from '../../../../../src/core/profiler/capture/inspector';
import {
  inspectorFromArgs,
  listeningPorts,
  processRuntime,
  readCmdline,
} from '../../../../../src/core/profiler/capture/processInfo';
import { importCpuProfile } from '../../../../../src/core/profiler/formats/cpuprofile';
import { ManualClock } from '../../../../../src/core/util/clock';
import type { NodeTarget } from './nodeTarget';
import { BUSY_SCRIPT, startNodeTarget } from './nodeTarget';

describe('inspector address from a command line', () => {
  it('reads --inspect forms, --inspect-port, and stops at the script', () => {
    assert.deepEqual(inspectorFromArgs(['node', '--inspect', 'app.js']), { host: '127.0.0.1', port: 9229 });
    assert.deepEqual(inspectorFromArgs(['node', '--inspect=9333', 'app.js']), { host: '127.0.0.1', port: 9333 });
    assert.deepEqual(inspectorFromArgs(['node', '--inspect-brk=0.0.0.0:9444', 'app.js']), {
      host: '0.0.0.0',
      port: 9444,
    });
    assert.deepEqual(inspectorFromArgs(['node', '--inspect-port=7000', '--inspect', 'app.js']), {
      host: '127.0.0.1',
      port: 7000,
    });
    assert.deepEqual(inspectorFromArgs(['node', '--inspect=[::1]:9230', 'app.js']), { host: '::1', port: 9230 });
    assert.equal(inspectorFromArgs(['node', 'app.js', '--inspect']), undefined);
    assert.equal(inspectorFromArgs(['node', '--inspect-port=7000', 'app.js']), undefined);
  });
});

describe('process information from /proc', () => {
  let server: http.Server;
  before(async () => {
    server = http.createServer((_q, s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('lists the ports a process listens on and knows this process runs node', () => {
    const port = (server.address() as AddressInfo).port;
    assert.ok(listeningPorts(process.pid)!.includes(port));
    assert.equal(listeningPorts(2 ** 22 + 12345), undefined);
    assert.equal(processRuntime(process.pid), 'node');
  });
});

describe('live Node capture over the inspector', () => {
  let target: NodeTarget | undefined;
  afterEach(async () => {
    await target?.stop();
    target = undefined;
  });

  it('finds an --inspect=0 inspector through the listening sockets and records the busy function', async function () {
    this.timeout(30_000);
    target = await startNodeTarget(['--inspect=127.0.0.1:0']);
    const addr = await findInspector(target.pid);
    assert.ok(addr.ok, !addr.ok ? addr.error.message : '');
    const targets = await listInspectorTargets(addr.value);
    assert.ok(targets.ok && targets.value[0]!.webSocketDebuggerUrl.startsWith('ws://'));
    const cap = await captureNodeProfile(addr.value, { durationMs: 800, samplingIntervalUs: 250 });
    assert.ok(cap.ok, !cap.ok ? cap.error.message : '');
    const imp = importCpuProfile(cap.value);
    assert.ok(imp.ok);
    const p = imp.value.profiles[0]!;
    assert.ok(p.sampleCount > 50, `${p.sampleCount} samples`);
    const busy = p.functions.find((f) => f.name === 'busyWork');
    assert.ok(busy && busy.selfSamples! > 0, 'busyWork was sampled');
    assert.equal(busy.line, 1);
  });

  it('cancels through an AbortSignal, stopping the profiler, without waiting out the duration', async function () {
    this.timeout(30_000);
    target = await startNodeTarget(['--inspect=127.0.0.1:0']);
    const addr = await findInspector(target.pid);
    assert.ok(addr.ok);
    const ac = new AbortController();
    const clock = new ManualClock();
    const original = clock.setTimeout.bind(clock);
    // Abort the moment the capture starts waiting out its (one hour) duration.
    clock.setTimeout = (fn, ms) => {
      if (ms === 3_600_000) setImmediate(() => ac.abort());
      return original(fn, ms);
    };
    const cap = await captureNodeProfile(addr.value, { durationMs: 3_600_000, signal: ac.signal, clock });
    assert.equal(cap.ok, false);
    assert.equal(!cap.ok && cap.error.kind, 'cancelled');
    // The target is free to be profiled again, so the profiler was stopped.
    const again = await captureNodeProfile(addr.value, { durationMs: 50 });
    assert.ok(again.ok, !again.ok ? again.error.message : '');
  });

  it('enables the inspector of a process started without --inspect by SIGUSR1', async function () {
    this.timeout(30_000);
    // --inspect-port=0 only chooses the port SIGUSR1 will open (a free one), so tests never fight over 9229.
    target = await startNodeTarget(['--inspect-port=127.0.0.1:0']);
    assert.deepEqual(readCmdline(target.pid), [process.execPath, '--inspect-port=127.0.0.1:0', '-e', BUSY_SCRIPT]);
    assert.equal(inspectorFromArgs(readCmdline(target.pid)!), undefined);
    const before = await findInspector(target.pid);
    assert.equal(before.ok, false);
    assert.match(!before.ok ? before.error.message : '', /has no Node inspector listening/);
    const enabled = await enableInspector(target.pid, { timeoutMs: 10_000 });
    assert.ok(enabled.ok, !enabled.ok ? enabled.error.message : '');
    const cap = await captureNodeProfile(enabled.value, { durationMs: 300 });
    assert.ok(cap.ok, !cap.ok ? cap.error.message : '');
  });

  it('refuses to send SIGUSR1 to a process that is not Node, and reports missing processes', async function () {
    this.timeout(10_000);
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const r = await enableInspector(sleeper.pid!);
      assert.equal(!r.ok && r.error.kind, 'not-node');
      assert.equal(sleeper.exitCode, null);
    } finally {
      sleeper.kill('SIGKILL');
    }
    const gone = await findInspector(2 ** 22 + 12345);
    assert.equal(!gone.ok && gone.error.kind, 'no-process');
  });

  it('says plainly when nothing listens where the inspector should be', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await listInspectorTargets({ host: '127.0.0.1', port });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'no-inspector');
    assert.equal(
      r.error.message,
      `No Node inspector answers at 127.0.0.1:${port}: nothing is listening on that port. Is the process running with --inspect?`,
    );
  });

  it('refuses remote inspectors unless allowed', async () => {
    const r = await captureNodeProfile({ host: '192.0.2.1', port: 9229 }, { durationMs: 10 });
    assert.equal(!r.ok && r.error.kind, 'remote');
  });
});

describe('finding the inspector of the right process', () => {
  let holder: NodeTarget | undefined;
  let target: NodeTarget | undefined;
  after(async () => {
    await target?.stop();
    await holder?.stop();
  });

  it("does not take another process's inspector on the port a command line names", async function () {
    this.timeout(30_000);
    holder = await startNodeTarget(['--inspect=127.0.0.1:0']);
    const held = await findInspector(holder.pid);
    assert.ok(held.ok);
    // This one asks for the port the holder already has, so its own inspector cannot listen there.
    target = await startNodeTarget([`--inspect=127.0.0.1:${held.value.port}`]);
    const r = await findInspector(target.pid);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', new RegExp(`asks for 127\\.0\\.0\\.1:${held.value.port}`));
  });
});
