import * as assert from 'node:assert/strict';
import { databaseUrlFromEnv, driverDialect } from '../../../../src/core/queries/driver';
import { extractStatements } from '../../../../src/core/queries/extract';

describe('queries: the driver a file imports chooses the dialect of its statements', () => {
  it('reads the driver of each language, and leaves a file with none (or both) to the configured database', () => {
    assert.equal(driverDialect('import psycopg\n', 'python'), 'postgres');
    assert.equal(driverDialect('from asyncpg import connect\n', 'python'), 'postgres');
    assert.equal(driverDialect('engine = create_engine("postgresql+psycopg://u@localhost/db")', 'python'), 'postgres');
    assert.equal(driverDialect('import sqlite3\n', 'python'), 'sqlite');
    assert.equal(driverDialect("import { Pool } from 'pg';", 'typescript'), 'postgres');
    assert.equal(driverDialect("const pg = require('pg');", 'javascript'), 'postgres');
    assert.equal(driverDialect("import Database from 'better-sqlite3';", 'typescript'), 'sqlite');
    assert.equal(driverDialect('import _ "github.com/jackc/pgx/v5/stdlib"', 'go'), 'postgres');
    assert.equal(driverDialect('import _ "github.com/mattn/go-sqlite3"', 'go'), 'sqlite');
    assert.equal(driverDialect('String url = "jdbc:postgresql://localhost/db";', 'java'), 'postgres');
    assert.equal(driverDialect("import { pool } from './pool';", 'typescript'), undefined);
    assert.equal(driverDialect('import sqlite3\nimport psycopg\n', 'python'), undefined);
    // A word in a string is not an import.
    assert.equal(driverDialect('x = "we import psycopg later"', 'python'), undefined);
  });

  it('tags each statement extracted from a file with its driver’s dialect', () => {
    const py = 'import psycopg\ncur.execute("SELECT id FROM users WHERE email = %s", (email,))\n';
    assert.deepEqual(
      extractStatements(py, 'python').map((s) => [s.sql, s.dialect]),
      [['SELECT id FROM users WHERE email = ?', 'postgres']],
    );
    const ts = "import Database from 'better-sqlite3';\ndb.prepare('SELECT id FROM users WHERE email = ?');\n";
    assert.equal(extractStatements(ts, 'typescript')[0]!.dialect, 'sqlite');
  });

  it('finds a PostgreSQL DATABASE_URL in .env text to offer, and nothing else', () => {
    assert.equal(
      databaseUrlFromEnv('A=1\nDATABASE_URL=postgres://app@localhost:5432/app\n'),
      'postgres://app@localhost:5432/app',
    );
    assert.equal(
      databaseUrlFromEnv('export DATABASE_URL="postgresql://u:p@127.0.0.1/db"'),
      'postgresql://u:p@127.0.0.1/db',
    );
    assert.equal(databaseUrlFromEnv('DATABASE_URL=postgres://h/db # local'), 'postgres://h/db');
    assert.equal(databaseUrlFromEnv('DATABASE_URL=sqlite:///app.db'), undefined);
    assert.equal(databaseUrlFromEnv('OTHER_DATABASE_URL=postgres://h/db'), undefined);
  });
});
