import * as assert from 'node:assert/strict';
import { parseSeriesCsv } from '../../../../src/core/analyzers/csvSeries';

function parse(text: string, opts = {}) {
  const r = parseSeriesCsv(text, opts);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('analyzers/csvSeries', () => {
  it('finds the time and value columns by name, in any order, and sorts by time', () => {
    const s = parse('host,value,timestamp\nA,3,120\nA,1,0\nA,2,60\n');
    assert.equal(s.timeColumn, 'timestamp');
    assert.equal(s.valueColumn, 'value');
    assert.deepEqual(s.points, [
      { t: 0, v: 1 },
      { t: 60_000, v: 2 },
      { t: 120_000, v: 3 },
    ]);
  });

  it('reads semicolons, quoted fields, a BOM, comments and blank lines', () => {
    const s = parse('\uFEFF# exported by a tool\n"time";"rss ""MB"""\n\n0;"10"\n30;11\n');
    assert.equal(s.valueColumn, 'rss "MB"');
    assert.deepEqual(
      s.points.map((p) => p.v),
      [10, 11],
    );
  });

  it('reads ISO-8601 with offsets, and times without an offset as UTC', () => {
    const s = parse('2026-03-01T01:00:00+01:00,1\n2026-03-01 00:30:00,2\n2026-03-01,0\n');
    assert.equal(s.timeFormat, 'iso8601');
    assert.deepEqual(
      s.points.map((p) => new Date(p.t).toISOString()),
      ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-01T00:30:00.000Z'],
    );
  });

  it('skips rows with an empty value and takes columns by 1-based number', () => {
    const s = parse('t,a,b\n0,1,\n10,2,5\n20,3,6\n', { valueColumn: '3' });
    assert.equal(s.valueColumn, 'b');
    assert.equal(s.skippedRows, 1);
    assert.deepEqual(
      s.points.map((p) => p.v),
      [5, 6],
    );
  });

  it('says what is wrong', () => {
    const err = (text: string, opts = {}) => {
      const r = parseSeriesCsv(text, opts);
      return r.ok ? '' : r.error.message;
    };
    assert.match(err(''), /empty/);
    assert.match(err('time,value\n'), /header but no data rows/);
    assert.match(err('0,1\n10,x\n'), /Line 2: "x" in the value column is not a number/);
    assert.match(err('0,1\nyesterday,2\n'), /Line 2: "yesterday" is not a time/);
    assert.match(err('0,1\n10,2\n', { valueColumn: 'v' }), /no header row, so --value-column must be a number/);
    assert.match(err('t,v\n0,1\n', { timeColumn: '0' }), /Column numbers start at 1/);
  });
});
