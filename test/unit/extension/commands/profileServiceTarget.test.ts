import * as assert from 'node:assert/strict';
import { parseProfileTarget, targetLabel } from '../../../../src/extension/commands/profileServiceTarget';

function parsed(input: string, allowRemote = false) {
  const r = parseProfileTarget(input, { allowRemote });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('Profile Service target input', () => {
  it('reads ports, pids, service URLs, pprof URLs and inspector addresses', () => {
    assert.deepEqual(parsed('3000'), { kind: 'port', port: 3000, host: '127.0.0.1' });
    assert.deepEqual(parsed(':8080'), { kind: 'port', port: 8080, host: '127.0.0.1' });
    assert.deepEqual(parsed('pid:4242'), { kind: 'pid', pid: 4242 });
    assert.deepEqual(parsed(' PID: 17 '), { kind: 'pid', pid: 17 });
    assert.deepEqual(parsed('http://localhost:3000/api'), { kind: 'port', port: 3000, host: 'localhost' });
    assert.deepEqual(parsed('127.0.0.1:5000'), { kind: 'port', port: 5000, host: '127.0.0.1' });
    assert.deepEqual(parsed('http://127.0.0.1:6060/debug/pprof/profile'), {
      kind: 'pprof',
      url: 'http://127.0.0.1:6060/debug/pprof/profile',
    });
    assert.deepEqual(parsed('pprof:http://127.0.0.1:6060'), { kind: 'pprof', url: 'http://127.0.0.1:6060/' });
    assert.deepEqual(parsed('inspect:9229'), { kind: 'inspect', host: '127.0.0.1', port: 9229 });
    assert.deepEqual(parsed('inspect:[::1]:9230'), { kind: 'inspect', host: '::1', port: 9230 });
  });

  it('refuses other machines unless remote targets are allowed', () => {
    for (const input of ['http://example.com:3000', 'inspect:10.0.0.5:9229', 'pprof:http://10.1.1.1:6060']) {
      const r = parseProfileTarget(input);
      assert.equal(r.ok ? 'ok' : r.error.kind, 'remote', input);
    }
    assert.equal(parsed('http://example.com:3000', true).kind, 'port');
  });

  it('explains what it cannot read', () => {
    for (const input of ['70000', 'pid:0', 'ftp://127.0.0.1/x', 'inspect:99999', 'http://[bad']) {
      const r = parseProfileTarget(input);
      assert.equal(r.ok ? 'ok' : r.error.kind, 'invalid', input);
    }
    const r = parseProfileTarget('http://[bad');
    assert.ok(!r.ok && /port, pid:N, URL or inspect:PORT/.test(r.error.message));
  });

  it('labels targets for titles', () => {
    assert.equal(targetLabel({ kind: 'pid', pid: 9 }), 'pid 9');
    assert.equal(targetLabel({ kind: 'port', port: 3000, host: '127.0.0.1' }), 'port 3000');
    assert.equal(targetLabel({ kind: 'pprof', url: 'http://127.0.0.1:6060/debug/pprof/profile' }), '127.0.0.1:6060');
    assert.equal(targetLabel({ kind: 'inspect', host: '127.0.0.1', port: 9229 }), 'inspector 127.0.0.1:9229');
  });
});
