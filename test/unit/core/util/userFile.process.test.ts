import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { readUserFile, UserFileError } from '../../../../src/core/util/userFile';

/** Runs `fn` and returns the UserFileError it throws. */
async function refusal(p: Promise<unknown>): Promise<UserFileError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserFileError, `a UserFileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the read to be refused');
}

describe('readUserFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-userfile-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file whole, with the fstat of what it read', async () => {
    const file = path.join(dir, 'a.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    fs.writeFileSync(file, data);
    const r = await readUserFile(file, { maxBytes: 10 * 1024 * 1024, what: 'profile' });
    assert.ok(r.bytes.equals(data));
    assert.equal(r.stat.ino, fs.statSync(file, { bigint: true }).ino);
  });

  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    const fifo = path.join(dir, 'pipe.db');
    execFileSync('mkfifo', [fifo]);
    const e = await refusal(readUserFile(fifo, { maxBytes: 1024, what: 'database' }));
    assert.equal(e.kind, 'not-a-file');
    assert.equal(
      e.message,
      `Cannot read ${fifo}: it is a named pipe (FIFO), not a regular file; PerfLens reads a database only from a regular file.`,
    );
  });

  it('refuses a character device (/dev/zero) without reading from it', async () => {
    const e = await refusal(readUserFile('/dev/zero', { maxBytes: 1024, what: 'history file' }));
    assert.equal(e.kind, 'not-a-file');
    assert.match(e.message, /it is a character device, not a regular file/);
  });

  it('refuses a folder and a socket by name', async () => {
    const folder = await refusal(readUserFile(dir, { maxBytes: 1024, what: 'database' }));
    assert.equal(folder.kind, 'not-a-file');
    assert.match(folder.reason, /it is a folder/);
    const sock = path.join(dir, 's.sock');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    try {
      const e = await refusal(readUserFile(sock, { maxBytes: 1024, what: 'database' }));
      assert.equal(e.kind, 'not-a-file');
    } finally {
      server.close();
    }
  });

  it('caps the bytes actually read, even where stat.size says 0 (/proc files)', async () => {
    // /proc/self/maps reports size 0 and holds more than 64 bytes.
    assert.equal(fs.statSync('/proc/self/maps').size, 0);
    const e = await refusal(
      readUserFile('/proc/self/maps', { maxBytes: 64, what: 'profile', raiseWith: 'raise it with --max-file-size' }),
    );
    assert.equal(e.kind, 'too-large');
    assert.match(e.message, /larger than the 64 bytes limit for a profile \(raise it with --max-file-size\)/);
  });

  it('refuses a regular file over the cap, and says when there is no such file', async () => {
    const file = path.join(dir, 'big.db');
    fs.writeFileSync(file, Buffer.alloc(2048));
    assert.equal((await refusal(readUserFile(file, { maxBytes: 2047, what: 'database' }))).kind, 'too-large');
    assert.equal((await readUserFile(file, { maxBytes: 2048, what: 'database' })).bytes.length, 2048);
    const missing = await refusal(readUserFile(path.join(dir, 'nope.db'), { maxBytes: 1, what: 'database' }));
    assert.equal(missing.kind, 'not-found');
    assert.equal(missing.code, 'ENOENT');
  });
});
