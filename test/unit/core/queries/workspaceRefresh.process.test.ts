// A re-scan after an edit (WorkspaceScan.refresh) must answer exactly what a cold scan of the
// edited workspace answers, while reading only the paths it is given.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScanOptions, ScanResult } from '../../../../src/core/queries/workspace';
import { readSourceFile } from '../../../../src/core/queries/sourceFiles';
import { WorkspaceScan, scanWorkspace } from '../../../../src/core/queries/workspace';
import { removeDir } from './helpers';

const FIXTURES = path.join(__dirname, '../../../fixtures/queries');
const OPTS: ScanOptions = { maxFileBytes: 4000 };

/** What a cold scan answers, without the count of files read (which is the point of refresh). */
function findings(r: ScanResult) {
  return { statements: r.statements, files: r.files, errors: r.errors };
}

describe('WorkspaceScan.refresh: a re-scan after an edit equals a cold scan', () => {
  let root: string;
  let ws: WorkspaceScan;
  const at = (...p: string[]) => path.join(root, ...p);

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-refresh-'));
    fs.mkdirSync(at('src', 'db'), { recursive: true });
    fs.mkdirSync(at('node_modules', 'pkg'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'store.go'), at('store.go'));
    fs.copyFileSync(path.join(FIXTURES, 'repository.py'), at('src', 'repository.py'));
    fs.writeFileSync(at('src', 'db', 'users.ts'), "export const q = 'SELECT id FROM users WHERE email = ?';\n");
    fs.writeFileSync(at('src', 'db', 'plain.ts'), 'export const answer = 42;\n');
    fs.writeFileSync(at('node_modules', 'pkg', 'q.js'), "db.query('SELECT id FROM ignored_table');\n");
    ws = new WorkspaceScan(root, OPTS);
    await ws.scan();
  });
  afterEach(() => removeDir(root));

  async function assertSameAsCold(changed: string[], reread: number): Promise<ScanResult> {
    const refreshed = await ws.refresh(changed);
    const cold = await scanWorkspace(root, OPTS);
    assert.deepEqual(findings(refreshed), findings(cold));
    assert.equal(refreshed.parsedFiles, reread, 'only the changed paths are read');
    return refreshed;
  }

  it('a file added', async () => {
    fs.writeFileSync(at('src', 'db', 'orders.ts'), "export const o = 'DELETE FROM orders WHERE id = ?';\n");
    const r = await assertSameAsCold([at('src', 'db', 'orders.ts')], 1);
    assert.ok(r.statements.some((s) => s.file === 'src/db/orders.ts'));
  });

  it('a file changed (statement edited, one added)', async () => {
    fs.writeFileSync(
      at('src', 'db', 'users.ts'),
      "export const q = 'SELECT id, name FROM users WHERE email = ?';\nexport const d = 'DELETE FROM users WHERE id = ?';\n",
    );
    const r = await assertSameAsCold([at('src', 'db', 'users.ts')], 1);
    assert.equal(r.statements.filter((s) => s.file === 'src/db/users.ts').length, 2);
  });

  it('a file deleted, and a folder deleted', async () => {
    fs.rmSync(at('store.go'));
    let r = await assertSameAsCold([at('store.go')], 0);
    assert.ok(!r.statements.some((s) => s.file === 'store.go'));
    fs.rmSync(at('src', 'db'), { recursive: true });
    r = await assertSameAsCold([at('src', 'db')], 0);
    assert.ok(!r.statements.some((s) => s.file?.startsWith('src/db/')));
  });

  it('a file renamed, and a folder renamed (both names given)', async () => {
    fs.renameSync(at('src', 'db', 'users.ts'), at('src', 'accounts.ts'));
    let r = await assertSameAsCold([at('src', 'db', 'users.ts'), at('src', 'accounts.ts')], 1);
    assert.ok(r.statements.some((s) => s.file === 'src/accounts.ts'));
    fs.renameSync(at('src'), at('lib'));
    r = await assertSameAsCold([at('src'), at('lib')], 3);
    assert.ok(r.statements.every((s) => !s.file?.startsWith('src/')));
  });

  it('a file grown past the size limit drops out, and comes back when it shrinks', async () => {
    const users = at('src', 'db', 'users.ts');
    fs.appendFileSync(users, `// ${'x'.repeat(5000)}\n`);
    let r = await assertSameAsCold([users], 0);
    assert.ok(!r.statements.some((s) => s.file === 'src/db/users.ts'));
    fs.writeFileSync(users, "export const q = 'SELECT id FROM users WHERE email = ?';\n");
    r = await assertSameAsCold([users], 1);
    assert.ok(r.statements.some((s) => s.file === 'src/db/users.ts'));
  });

  it('a path in an ignored folder, outside the root or not a source file changes nothing', async () => {
    fs.writeFileSync(at('node_modules', 'pkg', 'q.js'), "db.query('SELECT id FROM still_ignored');\n");
    fs.writeFileSync(at('README.md'), 'SELECT id FROM docs');
    await assertSameAsCold([at('node_modules', 'pkg', 'q.js'), at('README.md'), os.tmpdir()], 0);
  });

  it('a named pipe or a symlink where a source file was is skipped, never opened for reading', async function () {
    if (process.platform === 'win32') this.skip();
    fs.rmSync(at('store.go'));
    execFileSync('mkfifo', [at('store.go')]);
    fs.symlinkSync(at('src', 'repository.py'), at('linked.py'));
    const r = await assertSameAsCold([at('store.go'), at('linked.py')], 0);
    assert.ok(!r.statements.some((s) => s.file === 'store.go' || s.file === 'linked.py'));
  });

  it('reading a named pipe found by name does not block: it is refused by its type', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [at('pipe.ts')]);
    assert.deepEqual(await readSourceFile(at('pipe.ts'), 4000), { kind: 'skipped', reason: 'not-a-file' });
  });
});
