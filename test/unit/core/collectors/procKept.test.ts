import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  closeKeptProcessFiles,
  keptOpenCount,
  readKeptProcText,
  readProcText,
} from '../../../../src/core/collectors/procStat';

/** Bytes this process has read so far (read(2) and pread(2) count), from /proc/self/io text. */
const rchar = (text: string): number => Number(/^rchar: (\d+)$/m.exec(text)?.[1]);

describe('readKeptProcText: a /proc file kept open and read again from its start', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-prockept-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  if (process.platform === 'linux')
    it('gives the text the kernel writes at each read, not the first read again', () => {
      // Each read of /proc/self/io is itself counted in the next one's rchar.
      const first = rchar(readKeptProcText('/proc/self/io'));
      const second = rchar(readKeptProcText('/proc/self/io'));
      const third = rchar(readKeptProcText('/proc/self/io'));
      assert.ok(first > 0 && second > first && third > second, `${first} ${second} ${third}`);
      assert.match(readKeptProcText('/proc/meminfo'), /^MemTotal:/m);
      assert.equal(readKeptProcText('/proc/stat').split('\n', 1)[0]!.slice(0, 4), 'cpu ');
    });

  it('reads a whole file larger than its buffer, and what it holds after it is rewritten in place', () => {
    const file = path.join(dir, 'grows');
    const big = Buffer.alloc(100_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 17 + 3) % 256;
    fs.writeFileSync(file, 'cpu  1 2 3 4\n');
    assert.equal(readKeptProcText(file), 'cpu  1 2 3 4\n');
    fs.writeFileSync(file, big);
    assert.equal(readKeptProcText(file), big.toString('latin1'));
    fs.writeFileSync(file, 'cpu  5 6 7 8\n');
    assert.equal(readKeptProcText(file), readProcText(file));
  });

  it('throws what the open throws, and opens the file again once it is there', () => {
    const file = path.join(dir, 'later');
    assert.throws(() => readKeptProcText(file), { code: 'ENOENT' });
    fs.writeFileSync(file, 'here\n');
    assert.equal(readKeptProcText(file), 'here\n');
  });

  it('keeps at most 16 files open, and still reads each of them', () => {
    const files = Array.from({ length: 40 }, (_, i) => path.join(dir, `many-${i}`));
    files.forEach((f, i) => fs.writeFileSync(f, `file ${i}\n`));
    for (let round = 0; round < 2; round++) files.forEach((f, i) => assert.equal(readKeptProcText(f), `file ${i}\n`));
    assert.ok(keptOpenCount() <= 16, `${keptOpenCount()} kept open`);
  });

  it('throws what a read throws for a path that opens but cannot be read, and keeps nothing for it', () => {
    const before = keptOpenCount();
    assert.throws(() => readKeptProcText(dir), { code: 'EISDIR' });
    assert.equal(keptOpenCount(), before);
  });

  it('closes the stat files of processes when asked, and keeps the other files open', () => {
    const stat = path.join(dir, '4242', 'stat');
    const other = path.join(dir, 'meminfo');
    fs.mkdirSync(path.dirname(stat));
    fs.writeFileSync(stat, '4242 (x) S 1\n');
    fs.writeFileSync(other, 'MemTotal: 1 kB\n');
    readKeptProcText(other);
    readKeptProcText(stat);
    const kept = keptOpenCount();
    closeKeptProcessFiles();
    // This stat file is closed (and any other process's an earlier test kept).
    const closed = keptOpenCount();
    assert.ok(closed <= kept - 1, `${kept} → ${closed}`);
    // The machine-wide file is still the one kept (read again without a new open, as before).
    readKeptProcText(other);
    assert.equal(keptOpenCount(), closed);
    assert.equal(readKeptProcText(stat), '4242 (x) S 1\n');
    assert.equal(keptOpenCount(), closed + 1);
  });
});
