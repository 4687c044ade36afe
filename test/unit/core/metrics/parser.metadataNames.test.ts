/**
 * A TYPE (or UNIT) line that names the family its HELP line named is matched in place against
 * that earlier name rather than scanned again: names that only start the same way, names
 * followed by a tab, a missing type and quoted names must still be read as what they are.
 */
import * as assert from 'node:assert/strict';
import { parseExposition } from '../../../../src/core/metrics/parser';

const TEXT = 'text/plain; version=0.0.4';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

function families(text: string, contentType: string, strict = false) {
  const r = parseExposition(text, { contentType, strict });
  return {
    families: r.families.map((f) => [f.name, f.type, f.help ?? null, f.unit ?? null, f.samples.length]),
    problems: r.problems.map((p) => `${p.line}: ${p.reason}`),
  };
}

describe('parser: metadata lines naming the family of the line before', () => {
  it('Prometheus text: the same name, a longer name, a tab, no type, a quoted name', () => {
    const text = [
      '# HELP foo Foo.',
      '# TYPE foo_bar gauge',
      'foo_bar 1',
      '# HELP baz Baz.',
      '# TYPE baz\tcounter',
      'baz 2',
      '# HELP qux Qux.',
      '# TYPE qux',
      'qux 3',
      '# HELP "a.b" Dotted.',
      '# TYPE "a.b" gauge',
      '{"a.b"} 4',
      '# HELP zed Zed.',
      '# TYPE zed summary',
      '# TYPE zed gauge',
      'zed_sum 5',
      '',
    ].join('\n');
    assert.deepEqual(families(text, TEXT), {
      families: [
        ['foo', 'untyped', 'Foo.', null, 0],
        ['foo_bar', 'gauge', null, null, 1],
        ['baz', 'counter', 'Baz.', null, 1],
        ['qux', 'untyped', 'Qux.', null, 1],
        ['a.b', 'gauge', 'Dotted.', null, 1],
        ['zed', 'summary', 'Zed.', null, 1],
      ],
      problems: ['15: second TYPE line for "zed"'],
    });
  });

  it('OpenMetrics: the same name, a longer name, a missing type, a second TYPE, a UNIT', () => {
    const text = [
      '# HELP foo Foo.',
      '# TYPE foo_bar gauge',
      'foo_bar 1',
      '# HELP bytes_total Bytes.',
      '# TYPE bytes_total gauge',
      '# UNIT bytes_total total',
      'bytes_total 2',
      '# HELP qux Qux.',
      '# TYPE qux',
      '# TYPE qux gauge',
      '# TYPE qux counter',
      'qux 3',
      '# EOF',
      '',
    ].join('\n');
    assert.deepEqual(families(text, OPENMETRICS), {
      families: [
        ['foo', 'unknown', 'Foo.', null, 0],
        ['foo_bar', 'gauge', null, null, 1],
        ['bytes_total', 'gauge', 'Bytes.', 'total', 1],
        ['qux', 'gauge', 'Qux.', null, 1],
      ],
      problems: ['9: TYPE line for "qux" needs a space and a type', '11: second TYPE line for "qux"'],
    });
    assert.throws(
      () =>
        parseExposition('# HELP a A.\n# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n', {
          contentType: OPENMETRICS,
          strict: true,
        }),
      /line 3: second TYPE line for "a"/,
    );
  });
});
