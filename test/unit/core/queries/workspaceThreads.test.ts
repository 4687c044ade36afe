// A large scan reads and tokenizes its files on worker threads; what it answers must not depend on
// which thread read a file, and a small scan must not start any thread.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { endIdleThreads } from '../../../../src/core/queries/scanThreads';
import type { ScanResult } from '../../../../src/core/queries/workspace';
import { ExtractionCache, WorkspaceScan, scanWorkspace } from '../../../../src/core/queries/workspace';
import { removeDir } from './helpers';

const FIXTURES = path.join(__dirname, '../../../fixtures/queries');

function findings(r: ScanResult) {
  return { statements: r.statements, files: r.files, errors: r.errors, parsedFiles: r.parsedFiles };
}

describe('scanWorkspace on worker threads', function () {
  // Starting a thread under tsx compiles the extractor again: slow on a loaded machine.
  this.timeout(120_000);
  let root: string;
  const at = (...p: string[]) => path.join(root, ...p);

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-threads-'));
    for (const f of fs.readdirSync(FIXTURES)) {
      for (let copy = 0; copy < 20; copy++) {
        fs.mkdirSync(at(`pkg${copy}`), { recursive: true });
        fs.copyFileSync(path.join(FIXTURES, f), at(`pkg${copy}`, f));
      }
    }
    fs.writeFileSync(at('plain.ts'), 'export const answer = 42;\n');
    fs.writeFileSync(at('big.py'), `Q = "SELECT id FROM big"\n# ${'x'.repeat(5000)}\n`);
    fs.writeFileSync(at('latin1.js'), Buffer.from("const q = 'SELECT caf\xe9 FROM menu WHERE id = ?';\n", 'latin1'));
    fs.writeFileSync(at('empty.go'), '');
  });
  after(() => {
    endIdleThreads();
    removeDir(root);
  });

  it('answers exactly what the calling thread answers: statements, files, skips and errors', async () => {
    const opts = { maxFileBytes: 4000 };
    const alone = await scanWorkspace(root, { ...opts, threads: 0 });
    const threaded = await scanWorkspace(root, { ...opts, threads: 2, threadThreshold: 1 });
    assert.equal(alone.threads, 0);
    assert.equal(threaded.threads, 2, 'two batches of files, one for each thread');
    assert.deepEqual(findings(threaded), findings(alone));
    assert.equal(threaded.files, 83, 'the file over the size cap is not counted');
    assert.ok(threaded.statements.some((s) => s.file === 'latin1.js'));
    assert.ok(threaded.statements.some((s) => s.file === 'pkg19/store.go'));
  });

  it('with a cache, a threaded re-scan reads only the file that changed, and refresh agrees with it', async () => {
    const cache = new ExtractionCache();
    const opts = { cache, threads: 2, threadThreshold: 1 };
    const first = await scanWorkspace(root, opts);
    assert.equal(first.parsedFiles, 84);
    const t = new Date(Date.UTC(2026, 0, 1));
    fs.utimesSync(at('pkg2', 'store.go'), t, t);
    const again = await scanWorkspace(root, opts);
    assert.equal(again.parsedFiles, 1);
    assert.deepEqual(again.statements, first.statements);

    const ws = new WorkspaceScan(root, { threads: 2, threadThreshold: 1 });
    await ws.scan();
    fs.appendFileSync(at('pkg1', 'repository.ts'), "\nexport const gone = 'DELETE FROM sessions WHERE id = ?';\n");
    const refreshed = await ws.refresh([at('pkg1', 'repository.ts')]);
    const cold = await scanWorkspace(root, { threads: 0 });
    assert.deepEqual(refreshed.statements, cold.statements);
    assert.equal(refreshed.parsedFiles, 1);
  });

  it('a scan of fewer files than the threshold starts no thread', async () => {
    const r = await scanWorkspace(root);
    assert.equal(r.threads, 0);
    assert.equal(r.parsedFiles, 84);
  });
});
