import * as assert from 'node:assert/strict';
import type { StatementReport } from '../../../../src/core/queries/types';
import { FINDING_KINDS } from '../../../../src/core/queries/types';
import {
  diagnosticMessage,
  planDocument,
  planLines,
  severityOf,
} from '../../../../src/extension/diagnostics/queryFindingText';

const report: StatementReport = {
  sql: 'SELECT id FROM entities WHERE workspace_id = ? ORDER BY degree DESC',
  plan: [
    { id: 2, parent: 0, detail: 'SCAN entities' },
    { id: 5, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY' },
  ],
  findings: [
    {
      kind: 'full-scan',
      table: 'entities',
      detail: 'SCAN entities: reads all 100,000 rows of entities for every execution.',
      suggestion: 'Add an index so SQLite searches instead of reading every row:',
      createIndex: 'CREATE INDEX idx_entities_workspace_id_degree ON entities(workspace_id, degree DESC);',
    },
  ],
};

describe('slow-query diagnostic text', () => {
  it('gives every finding kind a severity (select-star is advice)', () => {
    for (const k of FINDING_KINDS) assert.ok(['warning', 'information'].includes(severityOf(k)), k);
    assert.equal(severityOf('select-star'), 'information');
    assert.equal(severityOf('full-scan'), 'warning');
  });

  it('says what, the fix, and the what-if timings once run', () => {
    const f = report.findings[0]!;
    assert.equal(diagnosticMessage(f), `${f.detail} ${f.suggestion} ${f.createIndex}`);
    const withWhatIf = {
      ...f,
      whatIf: {
        index: f.createIndex!,
        beforeMs: 12.5,
        afterMs: 0.1,
        speedup: 125,
        planAfter: [],
        runs: 5,
        params: [1],
      },
    };
    assert.match(diagnosticMessage(withWhatIf), /What-if: 13 ms → 0\.10 ms \(125\.0× faster\) with the index\.$/);
  });

  it('indents plan rows by depth', () => {
    assert.deepEqual(
      planLines([
        { id: 1, parent: 0, detail: 'A' },
        { id: 2, parent: 1, detail: 'B' },
        { id: 3, parent: 2, detail: 'C' },
        { id: 4, parent: 0, detail: 'D' },
      ]),
      ['A', '  B', '    C', 'D'],
    );
  });

  it('writes a plan document with the index and, after a what-if, its timings and plan', () => {
    const before = planDocument(report, 'app.ts:16');
    assert.match(before, /^# Query plan: app\.ts:16/);
    assert.ok(before.includes('SCAN entities\nUSE TEMP B-TREE FOR ORDER BY'));
    assert.ok(before.includes(report.findings[0]!.createIndex!));
    assert.match(before, /Run What-If Index Now/);
    const after = planDocument(
      {
        ...report,
        findings: [
          {
            ...report.findings[0]!,
            whatIf: {
              index: 'CREATE INDEX i ON entities(workspace_id)',
              beforeMs: 10,
              afterMs: 0.5,
              speedup: 20,
              planAfter: [{ id: 3, parent: 0, detail: 'SEARCH entities USING INDEX i (workspace_id=?)' }],
              runs: 7,
              params: [1],
            },
          },
        ],
      },
      'app.ts:16',
    );
    assert.match(after, /\| without the index \| 10 ms \|/);
    assert.match(after, /\| speed-up \| 20\.0× \|/);
    assert.ok(after.includes('SEARCH entities USING INDEX i (workspace_id=?)'));
    assert.doesNotMatch(after, /Run What-If Index Now/);
  });

  it('after a what-if that proved no index, the document lists each index tried and why it was not recommended', () => {
    const { createIndex: _dropped, ...finding } = report.findings[0]!;
    const doc = planDocument(
      {
        ...report,
        findings: [
          {
            ...finding,
            suggestion: 'No index helps: …',
            tried: [
              {
                index: 'CREATE INDEX a ON entities(type)',
                planAfter: [],
                proven: false,
                reason: 'the plan is no better: still SCAN entities',
              },
              {
                index: 'CREATE INDEX b ON entities(degree)',
                planAfter: [],
                speedup: 1.1,
                proven: false,
                reason: 'removes USE TEMP B-TREE FOR ORDER BY but runs 1.1× faster',
              },
            ],
          },
        ],
      },
      'app.ts:16',
    );
    assert.ok(doc.includes('- ✗ `CREATE INDEX a ON entities(type)`: the plan is no better: still SCAN entities'), doc);
    assert.ok(
      doc.includes(
        '- ✗ `CREATE INDEX b ON entities(degree)`: removes USE TEMP B-TREE FOR ORDER BY but runs 1.1× faster',
      ),
    );
    assert.doesNotMatch(doc, /Run What-If Index Now/);
  });
});
