import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as fc from 'fast-check';
import { isLoopbackAddress, isLoopbackHost } from '../../../../src/core/util/connect';

describe('IPv4 loopback: 127.0.0.0/8 told from the address text', () => {
  it('agrees with a block list of 127.0.0.0/8 on every IPv4 address, and refuses what is not one', () => {
    const block = new net.BlockList();
    block.addSubnet('127.0.0.0', 8, 'ipv4');
    const octet = fc.oneof(fc.constantFrom(0, 1, 126, 127, 128, 255), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (parts) => {
        const ip = parts.join('.');
        assert.equal(isLoopbackAddress(ip), block.check(ip, 'ipv4'), ip);
        assert.equal(isLoopbackAddress(`[${ip}]`), block.check(ip, 'ipv4'), ip);
        assert.equal(isLoopbackAddress(`${ip}.`), block.check(ip, 'ipv4'), ip);
      }),
      { numRuns: 5000 },
    );
    for (const notAnAddress of ['127.1', '0127.0.0.1', '127.0.0.256', '127.0.0.1.5', '127.example.com', '127.'])
      assert.equal(isLoopbackAddress(notAnAddress), false, notAnAddress);
    assert.equal(isLoopbackHost('127.example.com'), false);
    assert.equal(isLoopbackAddress('::ffff:127.0.0.1'), true);
    assert.equal(isLoopbackAddress('::ffff:128.0.0.1'), false);
  });
});
