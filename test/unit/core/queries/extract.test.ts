import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractStatements, languageOf } from '../../../../src/core/queries/extract';
import type { ExtractedStatement } from '../../../../src/core/queries/types';

const FIXTURES = path.join(__dirname, '../../../fixtures/queries');

function extractFixture(name: string): ExtractedStatement[] {
  const file = path.join(FIXTURES, name);
  return extractStatements(fs.readFileSync(file, 'utf8'), languageOf(file)!, name);
}

/** The source text a statement's range covers, for checking ranges against the file itself. */
function covered(name: string, s: ExtractedStatement): string {
  const lines = fs.readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
  const { start, end } = s.range;
  if (start.line === end.line) return lines[start.line]!.slice(start.column, end.column);
  return [
    lines[start.line]!.slice(start.column),
    ...lines.slice(start.line + 1, end.line),
    lines[end.line]!.slice(0, end.column),
  ].join('\n');
}

const ENTITIES_SQL = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('extractStatements', () => {
  it('Python: triple quotes, prefixes, implicit and + concatenation, DB-API placeholders; docstrings, comments and prose left out', () => {
    const found = extractFixture('repository.py');
    assert.deepEqual(
      found.map((s) => collapse(s.sql)),
      [
        ENTITIES_SQL,
        'SELECT COUNT(*) FROM entities WHERE workspace_id = ?',
        'SELECT r.id, r.target_id FROM relationships r WHERE r.source_id = ?',
        'UPDATE entities SET name = ? WHERE id = ?',
        'DELETE FROM entities WHERE workspace_id = ?',
      ],
    );
    assert.deepEqual(found[1]!.placeholders, [':ws']);
    assert.deepEqual(found[2]!.placeholders, ['%(source)s']);
    assert.deepEqual(found[3]!.placeholders, ['%s', '%s']);
    // Ranges are exact: 0-based, from the opening quote (or prefix) to after the closing quote.
    assert.deepEqual(found[0]!.range, { start: { line: 10, column: 24 }, end: { line: 16, column: 3 } });
    assert.ok(covered('repository.py', found[0]!).startsWith('"""\n    SELECT id'));
    assert.equal(
      covered('repository.py', found[2]!),
      '"SELECT r.id, r.target_id "\n        "FROM relationships r "\n        \'WHERE r.source_id = %(source)s\'',
    );
    assert.equal(covered('repository.py', found[3]!), "r'UPDATE entities SET name = %s WHERE id = %s'");
    assert.equal(covered('repository.py', found[4]!), '"DELETE FROM entities " + "WHERE workspace_id = ?"');
    assert.ok(found.every((s) => s.language === 'python' && s.file === 'repository.py'));
  });

  it('TypeScript: quotes, template literals with ${…}, sql-tagged templates, + with a spliced value; regex literals and comments skipped', () => {
    const found = extractFixture('repository.ts');
    assert.deepEqual(
      found.map((s) => collapse(s.sql)),
      [
        ENTITIES_SQL,
        "SELECT id, name FROM entities WHERE name LIKE '%' || ? || '%'",
        'SELECT e.* FROM entities e JOIN relationships r ON r.target_id = e.id WHERE r.source_id = ? AND e.type = ?',
        'INSERT INTO entities (name, workspace_id) VALUES (?, ?)',
        'SELECT name FROM entities WHERE id = ?',
      ],
    );
    assert.deepEqual(found[2]!.placeholders, ['${id}', '${type}']);
    assert.equal(
      found[2]!.text,
      "SELECT e.* FROM entities e JOIN relationships r ON r.target_id = e.id WHERE r.source_id = ${id} AND e.type = '${type}'",
    );
    assert.equal(found[3]!.tag, 'sql');
    assert.deepEqual(found[3]!.placeholders, ['${name}', "${'default'}"]);
    assert.deepEqual(found[4]!.placeholders, ['${id}']);
    assert.equal(covered('repository.ts', found[4]!), "'SELECT name FROM entities ' + 'WHERE id = ' + id");
    assert.deepEqual(found[0]!.range, { start: { line: 4, column: 21 }, end: { line: 4, column: 118 } });
    assert.equal(covered('repository.ts', found[1]!).split('\n').length, 3);
  });

  it('Go: raw strings across lines, $N placeholders, + across lines; rune literals and comments skipped', () => {
    const found = extractFixture('store.go');
    assert.deepEqual(
      found.map((s) => collapse(s.sql)),
      [
        ENTITIES_SQL,
        'SELECT count(*) FROM entities WHERE workspace_id = ?::text',
        'UPDATE entities SET degree = degree + 1 WHERE id = ?',
      ],
    );
    assert.deepEqual(found[0]!.placeholders, ['$1', '$2']);
    assert.equal(found[1]!.text, 'SELECT count(*) FROM entities WHERE workspace_id = $1::text');
    assert.deepEqual(found[0]!.range.start, { line: 9, column: 22 });
    assert.equal(covered('store.go', found[2]!), '"UPDATE entities SET degree = degree + 1 " +\n\t\t"WHERE id = ?"');
  });

  it('Java: text blocks (indentation stripped) and multi-line + concatenation; char literals, javadoc and prose skipped', () => {
    const found = extractFixture('EntityDao.java');
    assert.deepEqual(
      found.map((s) => collapse(s.sql)),
      [ENTITIES_SQL, 'SELECT id, name FROM entities WHERE type = ? ORDER BY name'],
    );
    assert.ok(
      found[0]!.sql.startsWith('SELECT id, name, type, degree\nFROM entities\n'),
      'text block keeps its lines without the incidental indent',
    );
    assert.deepEqual(found[0]!.range, { start: { line: 8, column: 38 }, end: { line: 14, column: 11 } });
  });

  it('keeps strings intact around tricky lexemes: escapes, quotes in comments, division vs regex, JSX apostrophes', () => {
    const js = [
      "const a = x / 2; const b = 'SELECT id FROM t WHERE name = \\'it\\'\\'s\\''; // don't",
      'const re = /\'[a-z]\'/g; const c = "DELETE FROM t WHERE id = ?";',
      "const el = <p>Don't select from here</p>;",
      "const d = `UPDATE t SET n = ${n + 1} WHERE id = ${ids.map((i) => `${i}`).join(',')}`;",
    ].join('\n');
    const found = extractStatements(js, 'typescript');
    assert.deepEqual(
      found.map((s) => s.sql),
      ["SELECT id FROM t WHERE name = 'it''s'", 'DELETE FROM t WHERE id = ?', 'UPDATE t SET n = ? WHERE id = ?'],
    );
    assert.deepEqual(found[2]!.placeholders, ['${n + 1}', "${ids.map((i) => `${i}`).join(',')}"]);
    assert.equal(found[1]!.range.start.line, 1);
  });

  it('Python f-strings turn fields into parameters; {{a}} is left for a later .format() (a field too); a bare string statement is not SQL', () => {
    const py = [
      'def q(ws):',
      '    """SELECT * FROM entities"""',
      '    return f"SELECT {{a}} FROM t WHERE ws = {ws!r:>4} AND n > {len(ws)}"',
      '',
    ].join('\n');
    const found = extractStatements(py, 'python');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.sql, 'SELECT ? FROM t WHERE ws = ? AND n > ?');
    assert.deepEqual(found[0]!.placeholders, ['{a}', '${ws}', '${len(ws)}']);
  });

  it('maps file names to languages and ignores others', () => {
    assert.equal(languageOf('a/b/c.tsx'), 'typescript');
    assert.equal(languageOf('x.MJS'), 'javascript');
    assert.equal(languageOf('main.go'), 'go');
    assert.equal(languageOf('A.java'), 'java');
    assert.equal(languageOf('s.py'), 'python');
    assert.equal(languageOf('README.md'), undefined);
    assert.equal(languageOf('Makefile'), undefined);
  });
});
