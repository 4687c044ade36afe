import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadSqlJs, locateSqlWasm } from '../../../../src/core/util/sqljs';

describe('loadSqlJs', () => {
  it('finds the wasm file and runs SQL', async () => {
    assert.ok(fs.existsSync(locateSqlWasm()));
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    try {
      const r = db.exec('SELECT sqlite_version() AS v, 6 * 7 AS n');
      assert.equal(r[0]!.values[0]![1], 42);
      assert.match(String(r[0]!.values[0]![0]), /^3\.\d+\.\d+$/);
    } finally {
      db.close();
    }
  });

  it('returns the same module on every call', async () => {
    const [a, b] = await Promise.all([loadSqlJs(), loadSqlJs()]);
    assert.equal(a, b);
  });
});
