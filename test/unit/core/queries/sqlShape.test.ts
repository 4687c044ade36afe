import * as assert from 'node:assert/strict';
import { classifySql, isSqlStatement } from '../../../../src/core/queries/sqlShape';
import { normalisePlaceholders, sqlMatchKey } from '../../../../src/core/queries/placeholders';
import { foreignDialect } from '../../../../src/core/queries/dialect';
import { PARAM_SENTINEL } from '../../../../src/core/queries/sqlLexer';

describe('classifySql (statement shapes)', () => {
  const statements: [string, string][] = [
    ['SELECT id FROM users', 'select'],
    ['select id, name from users u where u.id = ?', 'select'],
    ['SELECT * FROM users;', 'select'],
    ['SELECT COUNT(*) FROM (SELECT id FROM users) t', 'select'],
    ['SELECT a.id FROM accounts a JOIN users b ON b.id = a.user_id', 'select'],
    ['(SELECT id FROM a) UNION (SELECT id FROM b)', 'select'],
    ['SELECT id FROM "Order Items" WHERE x = 1', 'select'],
    ['SELECT id FROM main.users', 'select'],
    ['INSERT INTO users (name) VALUES (?)', 'insert'],
    ['INSERT OR REPLACE INTO kv VALUES (?, ?)', 'insert'],
    ['insert into audit select * from staging', 'insert'],
    ['REPLACE INTO kv (k, v) VALUES (:k, :v)', 'replace'],
    ['UPDATE users SET name = ? WHERE id = ?', 'update'],
    ['UPDATE OR IGNORE users SET n = n + 1', 'update'],
    ['update users as u set (a, b) = (1, 2)', 'update'],
    ['DELETE FROM sessions WHERE expires < ?', 'delete'],
    ['DELETE FROM sessions', 'delete'],
    ['WITH recent AS (SELECT * FROM events WHERE ts > ?) SELECT kind, count(*) FROM recent GROUP BY kind', 'with'],
    ['WITH RECURSIVE tree(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM tree) SELECT id FROM tree', 'with'],
    ['CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)', 'create'],
    ['CREATE UNIQUE INDEX ix ON t(a, b)', 'create'],
    ['CREATE VIEW v AS SELECT 1', 'create'],
    [`SELECT id FROM t WHERE ws = ${PARAM_SENTINEL}`, 'select'],
    ['SELECT id\n  FROM t\n -- a comment\n WHERE a = 1', 'select'],
  ];
  for (const [sql, kind] of statements) {
    it(`is SQL: ${sql.replace(/\s+/g, ' ').slice(0, 70)}`, () => assert.equal(classifySql(sql), kind));
  }

  const prose = [
    'Select the file from the list',
    'select a color from your palette',
    'Please select an item from the menu.',
    'Select one row from the grid!',
    'Update the settings and try again.',
    'update failed',
    'Update complete',
    'UPDATE COMPLETE',
    'Delete from cache failed',
    'delete from cache: done',
    'Could not delete from disk',
    'insert into queue: ok',
    'Insert into the slot',
    'Select name from users',
    'Use SELECT to choose columns',
    'SELECT',
    'select from',
    'DELETE FROM',
    'Selected 3 items from the list',
    'selecting rows from tables is what SQL does',
    'With the settings as they are, select nothing',
    "Select what you'd like from the store",
    'Create a table of contents',
    'create index page',
    'Update: SET your name = real name',
    'from SELECT to FROM',
    'select * from',
    '',
  ];
  for (const text of prose) {
    it(`is not SQL: ${JSON.stringify(text)}`, () => assert.equal(isSqlStatement(text), false));
  }
});

describe('normalisePlaceholders', () => {
  it('rewrites every driver style to ? and keeps them in order', () => {
    const r = normalisePlaceholders(
      'SELECT * FROM t WHERE a = $1 AND b = :name AND c = @p AND d = ?2 AND e = %s AND f = %(g)s',
    );
    assert.equal(r.sql, 'SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = ? AND f = ?');
    assert.deepEqual(r.placeholders, ['$1', ':name', '@p', '?2', '%s', '%(g)s']);
  });
  it('leaves quoted text, casts and %% alone where they are not placeholders', () => {
    assert.equal(
      normalisePlaceholders("SELECT ':x', \"$1\" FROM t WHERE a = '?' AND b LIKE 'a%s'").sql,
      "SELECT ':x', \"$1\" FROM t WHERE a = '?' AND b LIKE 'a%s'",
    );
    assert.equal(
      normalisePlaceholders('SELECT 1 FROM t WHERE a LIKE %s AND b = 5 %% 2;').sql,
      'SELECT 1 FROM t WHERE a LIKE ? AND b = 5 % 2',
    );
    assert.equal(normalisePlaceholders('SELECT a::int FROM t').sql, 'SELECT a::int FROM t');
  });
  it('binds interpolations, including ones inside quotes', () => {
    const s = PARAM_SENTINEL;
    const r = normalisePlaceholders(`SELECT 1 FROM t WHERE a = ${s} AND b = '${s}' AND c LIKE '%${s}%'`, [
      'x',
      'y',
      'z',
    ]);
    assert.equal(r.sql, "SELECT 1 FROM t WHERE a = ? AND b = ? AND c LIKE ('%' || ? || '%')");
    assert.deepEqual(r.placeholders, ['${x}', '${y}', '${z}']);
  });
  it('gives one match key for the same statement written differently', () => {
    assert.equal(sqlMatchKey('SELECT id\n  FROM t\n  WHERE a = $1;'), sqlMatchKey('select id from t where a=?'));
    assert.notEqual(sqlMatchKey('SELECT id FROM t WHERE a = ?'), sqlMatchKey('SELECT id FROM u WHERE a = ?'));
  });
});

describe('foreignDialect', () => {
  it('names PostgreSQL, MySQL and SQL Server syntax SQLite cannot explain', () => {
    assert.match(foreignDialect('SELECT * FROM t WHERE id = $1::int')!, /PostgreSQL.*cast/);
    assert.match(foreignDialect("SELECT * FROM t WHERE name ILIKE 'a%'")!, /ILIKE/);
    assert.match(foreignDialect('CREATE TABLE t (id SERIAL PRIMARY KEY)')!, /SERIAL/);
    assert.match(foreignDialect('SELECT DISTINCT ON (a) a, b FROM t')!, /DISTINCT ON/);
    assert.match(foreignDialect('SELECT * FROM t WHERE id = ANY($1)')!, /ANY/);
    assert.match(foreignDialect('SELECT * FROM t FOR UPDATE')!, /row locking/);
    assert.match(foreignDialect('INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2')!, /MySQL/);
    assert.match(foreignDialect('CREATE TABLE t (id INT AUTO_INCREMENT)')!, /MySQL/);
    assert.match(foreignDialect('SELECT TOP 10 * FROM t')!, /SQL Server/);
  });
  it('accepts what SQLite itself understands', () => {
    for (const sql of [
      'SELECT * FROM t WHERE a = ?',
      'INSERT INTO t (a) VALUES (1) RETURNING id',
      'INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a',
      "SELECT data ->> '$.name' FROM t",
      'SELECT * FROM t ORDER BY a NULLS LAST',
      "SELECT 'a::b' FROM t",
    ]) {
      assert.equal(foreignDialect(sql), undefined, sql);
    }
  });
});
