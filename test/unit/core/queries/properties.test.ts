import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractStatements } from '../../../../src/core/queries/extract';
import { parseSql } from '../../../../src/core/queries/sqlParse';
import type { SourceLanguage } from '../../../../src/core/queries/types';

const STATEMENTS = [
  'SELECT id, name FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?',
  'INSERT INTO audit (actor, action) VALUES (?, ?)',
  'UPDATE sessions SET seen_at = ? WHERE id = ?',
  'DELETE FROM tokens WHERE expires_at < ?',
  'WITH recent AS (SELECT id FROM events WHERE ts > ?) SELECT count(*) FROM recent',
];

/** A statement written as a literal of the language, with the quoting that language allows. */
const literal = (lang: SourceLanguage, quote: number, sql: string): string => {
  switch (lang) {
    case 'python':
      return [`"${sql}"`, `'${sql}'`, `"""\n    ${sql}\n"""`, `r'${sql}'`][quote % 4]!;
    case 'typescript':
    case 'javascript':
      return [`"${sql}"`, `'${sql}'`, `\`${sql}\``][quote % 3]!;
    case 'go':
      return [`"${sql}"`, `\`${sql}\``][quote % 2]!;
    case 'java':
      return [`"${sql}"`, `"""\n        ${sql}\n        """`][quote % 2]!;
  }
};

const COMMENT: Record<SourceLanguage, (t: string) => string> = {
  python: (t) => `# ${t}`,
  typescript: (t) => `// ${t}`,
  javascript: (t) => `/* ${t} */`,
  go: (t) => `// ${t}`,
  java: (t) => `/* ${t} */`,
};

describe('extraction properties', () => {
  it('a statement embedded in code between comments and prose strings is found exactly once, with its exact range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SourceLanguage>('python', 'typescript', 'javascript', 'go', 'java'),
        fc.constantFrom(...STATEMENTS),
        fc.nat(11),
        fc.string({ maxLength: 30 }).map((s) => s.replace(/[\n\r*/\\]/g, ' ')),
        fc.nat(5),
        (lang, sql, quote, noise, blankLines) => {
          const lit = literal(lang, quote, sql);
          const before = `${COMMENT[lang](`${noise} SELECT * FROM commented`)}\n${'\n'.repeat(blankLines)}x = "Select the file from the list"\n`;
          const code = `${before}q = ${lit}\n${COMMENT[lang]('the end')}\n`;
          const found = extractStatements(code, lang);
          assert.equal(found.length, 1, code);
          assert.equal(found[0]!.sql.replace(/\s+/g, ' '), sql);
          const start = before.split('\n').length - 1;
          assert.deepEqual(found[0]!.range.start, { line: start, column: 4 });
          const lines = code.split('\n');
          const endLine = start + lit.split('\n').length - 1;
          assert.equal(found[0]!.range.end.line, endLine);
          assert.equal(lines[endLine]!.slice(0, found[0]!.range.end.column).endsWith(lit.split('\n').pop()!), true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text, and every range lies inside it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SourceLanguage>('python', 'typescript', 'go', 'java'),
        fc.string({ unit: 'binary', maxLength: 300 }),
        (lang, text) => {
          const lines = text.split('\n');
          for (const s of extractStatements(`${text}\nq = "SELECT a FROM t WHERE b = ?"`, lang)) {
            assert.ok(s.range.start.line <= s.range.end.line);
            assert.ok(s.range.end.line <= lines.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the SQL parser never throws and gives one parameter context per ?', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'SELECT',
            'a',
            'b.c',
            '=',
            '?',
            '(',
            ')',
            ',',
            'FROM',
            't',
            'WHERE',
            'ORDER',
            'BY',
            'LIMIT',
            'IN',
            'AND',
            "'x'",
            'JOIN',
            'ON',
            'WITH',
            'AS',
            'DESC',
          ),
          { maxLength: 40 },
        ),
        (words) => {
          const sql = words.join(' ');
          const parsed = parseSql(sql);
          assert.equal(parsed.params.length, words.filter((w) => w === '?').length);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseSql', () => {
  it('knows what each ? is compared with, including reversed comparisons, BETWEEN, IN lists and INSERT columns', () => {
    const p = parseSql(
      'SELECT a FROM t x JOIN u ON u.t_id = x.id WHERE x.k = ? AND ? < x.n AND x.d BETWEEN ? AND ? AND x.c IN (?, ?) LIMIT ? OFFSET ?',
    );
    assert.deepEqual(
      p.params.map((c) => (c.kind === 'column' ? `${c.ref.qualifier}.${c.ref.column}:${c.op}` : c.kind)),
      ['x.k:eq', 'x.n:range', 'x.d:range', 'x.d:range', 'x.c:in', 'x.c:in', 'limit', 'offset'],
    );
    assert.deepEqual(
      p.tables.map((t) => [t.name, t.alias, t.kind]),
      [
        ['t', 'x', 'table'],
        ['u', undefined, 'table'],
      ],
    );
    const ins = parseSql('INSERT INTO t (a, b) VALUES (?, ?)');
    assert.deepEqual(
      ins.params.map((c) => (c.kind === 'column' ? c.ref.column : c.kind)),
      ['a', 'b'],
    );
  });

  it('tracks CTEs, derived tables and scopes', () => {
    const p = parseSql(
      'WITH c AS (SELECT id FROM t WHERE k = 1) SELECT * FROM c JOIN (SELECT id FROM u) d ON d.id = c.id UNION SELECT id FROM v WHERE k = 2',
    );
    assert.deepEqual(
      p.tables.map((t) => [t.name, t.kind]),
      [
        ['t', 'table'],
        ['c', 'cte'],
        ['d', 'subquery'],
        ['u', 'table'],
        ['v', 'table'],
      ],
    );
    const k = p.predicates.filter((x) => x.column === 'k');
    assert.equal(k.length, 2);
    assert.notEqual(k[0]!.scope, k[1]!.scope);
    assert.equal(p.selectStar, true);
  });
});
