import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExtractionCache, listSourceFiles, scanWorkspace } from '../../../../src/core/queries/workspace';
import { removeDir } from './helpers';

const FIXTURES = path.join(__dirname, '../../../fixtures/queries');

describe('scanWorkspace', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-ws-'));
    fs.mkdirSync(path.join(root, 'src', 'db'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'repository.ts'), path.join(root, 'src', 'db', 'repository.ts'));
    fs.copyFileSync(path.join(FIXTURES, 'repository.py'), path.join(root, 'src', 'repository.py'));
    fs.copyFileSync(path.join(FIXTURES, 'store.go'), path.join(root, 'store.go'));
    fs.copyFileSync(path.join(FIXTURES, 'EntityDao.java'), path.join(root, 'EntityDao.java'));
    for (const ignored of ['node_modules/pkg', '.git', 'dist', 'build', 'out', 'venv', '.venv', '__pycache__']) {
      fs.mkdirSync(path.join(root, ignored), { recursive: true });
      fs.writeFileSync(path.join(root, ignored, 'q.js'), "db.query('SELECT id FROM ignored_table');");
    }
    fs.writeFileSync(path.join(root, 'README.md'), 'SELECT id FROM docs_table');
    fs.writeFileSync(path.join(root, 'bundle.min.js'), "x('SELECT id FROM minified')");
  });
  afterEach(() => removeDir(root));

  it('walks the workspace, skipping dependency and build folders and non-source files', async () => {
    assert.deepEqual(
      (await listSourceFiles(root)).map((f) => path.relative(root, f).split(path.sep).join('/')),
      ['EntityDao.java', 'src/db/repository.ts', 'src/repository.py', 'store.go'],
    );
    const scan = await scanWorkspace(root);
    assert.equal(scan.files, 4);
    assert.equal(scan.statements.length, 15);
    assert.ok(!scan.statements.some((s) => /ignored_table|docs_table|minified/.test(s.sql)));
    assert.deepEqual([...new Set(scan.statements.map((s) => s.file))].sort(), [
      'EntityDao.java',
      'src/db/repository.ts',
      'src/repository.py',
      'store.go',
    ]);
  });

  it('with a cache, a re-scan after saving one file reads only that file', async () => {
    const cache = new ExtractionCache();
    const first = await scanWorkspace(root, { cache });
    assert.equal(first.parsedFiles, 4);
    const again = await scanWorkspace(root, { cache });
    assert.equal(again.parsedFiles, 0);
    assert.deepEqual(again.statements, first.statements);

    const saved = path.join(root, 'store.go');
    fs.appendFileSync(saved, '\nconst extra = "DELETE FROM sessions WHERE id = ?"\n');
    const after = await scanWorkspace(root, { cache });
    assert.equal(after.parsedFiles, 1);
    assert.equal(after.statements.length, first.statements.length + 1);
    assert.ok(after.statements.some((s) => s.file === 'store.go' && s.sql === 'DELETE FROM sessions WHERE id = ?'));
  });

  it('skips files over the size cap', async () => {
    fs.writeFileSync(path.join(root, 'big.js'), `const q = 'SELECT id FROM huge';\n${'// filler\n'.repeat(2000)}`);
    const scan = await scanWorkspace(root, { maxFileBytes: 10_000 });
    assert.ok(!scan.statements.some((s) => s.sql.includes('huge')));
    assert.equal(scan.files, 4);
  });
});
