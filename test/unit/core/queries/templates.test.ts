import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { loadDatabaseFile } from '../../../../src/core/queries/database';
import { adviseStatements } from '../../../../src/core/queries/advisor';
import { extractStatements } from '../../../../src/core/queries/extract';
import { removeDir, writeFlaskBlogDb } from './helpers';

const FIXTURE = path.join(__dirname, '../../../fixtures/sql-templates/templates.py');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('Python SQL templates and SQLite internal tables', () => {
  let dir: string | undefined;
  let loaded: LoadedDatabase;
  before(async () => {
    const written = await writeFlaskBlogDb(1500);
    dir = written.dir;
    // ANALYZE writes sqlite_stat1, so the internal tables all exist in the file.
    const r0 = await loadDatabaseFile(written.file);
    if (!r0.ok) throw new Error(r0.error.message);
    r0.value.db.run('ANALYZE');
    fs.writeFileSync(written.file, r0.value.db.export());
    r0.value.close();
    const r = await loadDatabaseFile(written.file);
    if (!r.ok) throw new Error(r.error.message);
    loaded = r.value;
  });
  after(() => {
    loaded?.close();
    removeDir(dir);
  });

  it('.format() braces, %-formatting (quoted or not), pyformat and f-string fields are placeholders, shown as written', () => {
    const found = extractStatements(fs.readFileSync(FIXTURE, 'utf8'), 'python', 'templates.py');
    const bySql = found.map((s) => [collapse(s.sql), s.placeholders]);
    assert.deepEqual(bySql, [
      ['SELECT id, title FROM post WHERE author_id = ?', ['{}']],
      ['SELECT id, title FROM post WHERE author_id = ?', ['{}']],
      ['SELECT id, title FROM post WHERE author_id = ? AND created > ?', ['{uid}', '{since}']],
      ['SELECT id, title FROM post WHERE author_id = ?', ['%s']],
      ["SELECT id FROM post WHERE title = ? AND body LIKE '%draft%'", ['%s']],
      ['SELECT id, title FROM post WHERE author_id = ?', ['%(uid)s']],
      ['SELECT id, title FROM post WHERE author_id = ? AND title = ?', ['${uid}', '${uid}']],
      ['INSERT INTO post (?) VALUES (?)', ['{}', '?']],
      ["SELECT id FROM post WHERE body = '{}'", []],
      ["SELECT * FROM sqlite_master WHERE type = 'table' ORDER BY name", []],
      ["SELECT * FROM sqlite_schema WHERE name LIKE '%post%'", []],
      ["SELECT seq FROM sqlite_sequence WHERE name = 'post' ORDER BY seq", []],
      ['SELECT * FROM sqlite_stat1 ORDER BY tbl', []],
    ]);
  });

  it('explains every template; one whose column name is filled in at run time is skipped with a reason, not a prepare error', () => {
    const found = extractStatements(fs.readFileSync(FIXTURE, 'utf8'), 'python', 'templates.py');
    const reports = adviseStatements(loaded, found, { minRows: 100 });
    for (const r of reports) assert.equal(r.error, undefined, `${r.sql}: ${r.error}`);
    const named = reports.find((r) => r.sql.startsWith('INSERT INTO post (?)'))!;
    assert.match(named.skipped!, /a table or column name in it is filled in at run time \(\{\}\)/);
    // The value templates are explained like any statement with parameters.
    assert.ok(reports[0]!.findings.some((f) => f.kind === 'full-scan' && f.table === 'post'));
  });

  it('no findings on sqlite_master, sqlite_schema, sqlite_sequence or sqlite_stat1', () => {
    const internal = [
      "SELECT * FROM sqlite_master WHERE type = 'table' ORDER BY name",
      "SELECT * FROM sqlite_schema WHERE name LIKE '%post%'",
      "SELECT seq FROM sqlite_sequence WHERE name = 'post' ORDER BY seq",
      'SELECT * FROM sqlite_stat1 ORDER BY tbl',
      'SELECT name FROM sqlite_temp_master ORDER BY name',
    ];
    const reports = adviseStatements(loaded, internal, { minRows: 0 });
    for (const r of reports) {
      assert.equal(r.error, undefined, r.error);
      assert.ok(r.plan.length > 0);
      assert.deepEqual(r.findings, [], `${r.sql}: ${JSON.stringify(r.findings)}`);
    }
  });
});
