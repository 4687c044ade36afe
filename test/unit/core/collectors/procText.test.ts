import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseProcPidStat, readProcText } from '../../../../src/core/collectors/procStat';

describe('readProcText', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-proctext-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a whole file, however much larger than its buffer, byte for byte, and the next smaller one after it', () => {
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) % 256;
    fs.writeFileSync(path.join(dir, 'big'), big);
    fs.writeFileSync(path.join(dir, 'small'), 'cpu  1 2 3 4\n');
    assert.equal(readProcText(path.join(dir, 'big')), big.toString('latin1'));
    assert.equal(readProcText(path.join(dir, 'small')), 'cpu  1 2 3 4\n');
    assert.equal(readProcText(path.join(dir, 'small')), 'cpu  1 2 3 4\n');
  });

  it('throws what the open throws (a process that has gone: ENOENT)', () => {
    assert.throws(() => readProcText(path.join(dir, 'gone', 'stat')), { code: 'ENOENT' });
  });

  if (process.platform === 'linux')
    it('reads /proc files, whose size the kernel reports as 0', () => {
      assert.ok(parseProcPidStat(readProcText('/proc/self/stat')));
      assert.match(readProcText('/proc/meminfo'), /^MemTotal:/m);
    });
});
