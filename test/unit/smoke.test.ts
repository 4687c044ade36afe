import * as assert from 'node:assert/strict';
import { parseTarget } from '../../src/core/util/target';

describe('parseTarget', () => {
  it('accepts a loopback URL and refuses a remote one unless allowed', () => {
    const r = parseTarget('http://localhost:3000/');
    assert.ok(r.ok);
    assert.deepEqual(r.value, { kind: 'url', baseUrl: 'http://localhost:3000' });
    const remote = parseTarget('http://example.org:3000');
    assert.equal(remote.ok, false);
    assert.ok(parseTarget('http://example.org:3000', { allowRemote: true }).ok);
  });
  it('reads a bare port and a pid', () => {
    const p = parseTarget('3000');
    assert.ok(p.ok && p.value.kind === 'port' && p.value.port === 3000);
    const pid = parseTarget('pid:42');
    assert.ok(pid.ok && pid.value.kind === 'pid' && pid.value.pid === 42);
    assert.equal(parseTarget('99999').ok, false);
  });
});
