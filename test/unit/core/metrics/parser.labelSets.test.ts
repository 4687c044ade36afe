/**
 * Label objects are made by a builder per label-name list (an object literal written once per
 * list) or, for lists it does not take, by keyed stores. Both must give the same objects: the
 * same own enumerable names in the order written, the same values, Object.prototype as the
 * prototype, whatever the names, their order from line to line and the escapes in the values.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExposition } from '../../../../src/core/metrics/parser';
import { buildLabelsByStores, labelSetBuilder } from '../../../../src/core/metrics/parserLabelSets';
import type { Sample } from '../../../../src/core/metrics/types';

const TEXT = 'text/plain; version=0.0.4';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

function samples(text: string, contentType = TEXT, strict = true): Sample[] {
  return parseExposition(text, { contentType, strict }).families.flatMap((f) => f.samples);
}

/** The label object as the keyed-store path makes it, for comparison. */
function byStores(entries: [string, string][]): Record<string, string> {
  return buildLabelsByStores(
    entries.map((e) => e[0]),
    entries.map((e) => e[1]),
    entries.length,
  );
}

function assertSameLabels(actual: Record<string, string>, entries: [string, string][]): void {
  assert.equal(Object.getPrototypeOf(actual), Object.prototype);
  assert.deepEqual(Object.entries(actual), entries);
  assert.deepEqual(Object.entries(byStores(entries)), entries);
}

describe('parser: label objects', () => {
  it('a builder makes the same object as keyed stores, names in the order given', () => {
    const names = ['method', 'code', 'le'];
    const builder = labelSetBuilder(names, 3);
    assert.ok(builder);
    assertSameLabels(builder(['GET', '200', '+Inf']), [
      ['method', 'GET'],
      ['code', '200'],
      ['le', '+Inf'],
    ]);
    assert.equal(labelSetBuilder(names, 2)!(['a', 'b']).le, undefined);
  });

  it('names that are not plain identifiers, __proto__ and long lists take the keyed-store path', () => {
    assert.equal(labelSetBuilder(['http.method'], 1), undefined);
    assert.equal(labelSetBuilder(['a"b'], 1), undefined);
    assert.equal(labelSetBuilder(['__proto__'], 1), undefined);
    const many = Array.from({ length: 40 }, (_, i) => `l${i}`);
    assert.equal(labelSetBuilder(many, 40), undefined);
    const labels = byStores([['__proto__', 'x']]);
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.entries(labels), [['__proto__', 'x']]);
  });

  it('many lists sharing a first name: the same builder for the same list, the rest by keyed stores', () => {
    const lists = Array.from({ length: 100 }, (_, i) => ['shared_first', `second${i}`]);
    const made = lists.map((names) => labelSetBuilder(names, 2));
    // A list met again gets the builder it got the first time, whether it got one or not.
    lists.forEach((names, i) => assert.equal(labelSetBuilder([...names], 2), made[i]));
    assert.ok(
      made.some((b) => b === undefined),
      'past the bound a list of that first name is built by keyed stores',
    );
    const text = lists.map((names, i) => `m{${names[0]}="a",${names[1]}="${i}"} ${i}`).join('\n') + '\n';
    const got = samples(text).map((s) => Object.entries(s.labels));
    assert.deepEqual(
      got,
      lists.map((names, i) => [
        [names[0], 'a'],
        [names[1], String(i)],
      ]),
    );
  });

  it('label names that change order, number and spelling from line to line give each line its own labels', () => {
    const text = [
      'a{x="1",y="2"} 1',
      'a{y="2",x="1"} 2',
      'a{x="1"} 3',
      'a{x="1",y="2",z="3"} 4',
      'a{x="1",yy="2"} 5',
      'a{x="1",y="2"} 6',
      'a{"x.y"="q",x="1"} 7',
      'a{__proto__="p",x="1"} 8',
      'a{x="1",y="2"} 9',
      '',
    ].join('\n');
    const got = samples(text).map((s) => Object.entries(s.labels));
    assert.deepEqual(got, [
      [
        ['x', '1'],
        ['y', '2'],
      ],
      [
        ['y', '2'],
        ['x', '1'],
      ],
      [['x', '1']],
      [
        ['x', '1'],
        ['y', '2'],
        ['z', '3'],
      ],
      [
        ['x', '1'],
        ['yy', '2'],
      ],
      [
        ['x', '1'],
        ['y', '2'],
      ],
      [
        ['x.y', 'q'],
        ['x', '1'],
      ],
      [
        ['__proto__', 'p'],
        ['x', '1'],
      ],
      [
        ['x', '1'],
        ['y', '2'],
      ],
    ]);
    for (const s of samples(text)) assert.equal(Object.getPrototypeOf(s.labels), Object.prototype);
  });

  it('escapes, CRLF line ends, huge values, exemplars, NaN and Inf read the same through builders', () => {
    const huge = 'v'.repeat(200_000);
    const text = [
      'a{p="x\\"y",q="line\\nbreak",r="back\\\\slash"} NaN\r',
      `a{p="${huge}",q="",r="z"} +Inf\r`,
      'a{p="x",q="y",r="z"} -Inf 1700000000000\r',
      '',
    ].join('\n');
    const got = samples(text, TEXT, false);
    assert.deepEqual(
      got.map((s) => [Object.entries(s.labels), s.value, s.timestamp]),
      [
        [
          [
            ['p', 'x"y'],
            ['q', 'line\nbreak'],
            ['r', 'back\\slash'],
          ],
          NaN,
          undefined,
        ],
        [
          [
            ['p', huge],
            ['q', ''],
            ['r', 'z'],
          ],
          Infinity,
          undefined,
        ],
        [
          [
            ['p', 'x'],
            ['q', 'y'],
            ['r', 'z'],
          ],
          -Infinity,
          1700000000000,
        ],
      ],
    );
    const om = [
      '# TYPE c counter',
      'c_total{a="1"} 1 # {trace_id="t1"} 0.5 1.25',
      'c_total{a="2"} 2 # {trace_id="t2",span_id="s"} 1',
      'c_total{a="3"} 3',
      '# EOF',
      '',
    ].join('\n');
    const omSamples = samples(om, OPENMETRICS);
    assert.deepEqual(
      omSamples.map((s) => s.exemplar),
      [
        { labels: { trace_id: 't1' }, value: 0.5, timestamp: 1.25 },
        { labels: { trace_id: 't2', span_id: 's' }, value: 1 },
        undefined,
      ],
    );
    assert.equal('exemplar' in omSamples[2]!, false);
    assert.equal('timestamp' in omSamples[2]!, false);
  });

  it('a duplicate label is found beyond the first 16 names too', () => {
    const names = Array.from({ length: 20 }, (_, i) => `l${i}="v"`);
    assert.throws(() => samples(`a{${names.join(',')},l3="w"} 1\n`), /duplicate label "l3"/);
    assert.throws(() => samples(`a{${names.join(',')},l19="w"} 1\n`), /duplicate label "l19"/);
    assert.equal(Object.keys(samples(`a{${names.join(',')}} 1\n`)[0]!.labels).length, 20);
  });

  it('random label sets read back as keyed stores make them', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((n) => !n.startsWith('__'));
    const value = fc.string({ maxLength: 12 });
    const line = fc.uniqueArray(fc.tuple(name, value), { selector: (e) => e[0], maxLength: 20 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const escape = (v: string) => v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
        const text = lines
          .map((entries) => `m{${entries.map(([n, v]) => `${n}="${escape(v)}"`).join(',')}} 1\n`)
          .join('');
        const got = samples(text).map((s) => Object.entries(s.labels));
        assert.deepEqual(
          got,
          lines.map((entries) => Object.entries(byStores(entries))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('exemplars whose label names change from line to line each keep their own labels', () => {
    const text = [
      '# TYPE c counter',
      'c_total{a="1"} 1 # {trace_id="t1"} 1',
      'c_total{a="2"} 2 # {trace_id="t2"} 1',
      'c_total{a="3"} 3 # {span_id="s3"} 1',
      'c_total{a="4"} 4 # {span_id="s4",trace_id="t4"} 1',
      'c_total{a="5"} 5 # {trace_id="t5",span_id="s5"} 1',
      'c_total{a="6"} 6 # {trace_id="t6",span_id="s6",x="y"} 1',
      'c_total{a="7"} 7 # {} 1',
      '# EOF',
      '',
    ].join('\n');
    const r = parseExposition(text, { contentType: 'application/openmetrics-text; version=1.0.0', strict: true });
    assert.deepEqual(
      r.families[0]!.samples.map((s) => s.exemplar?.labels),
      [
        { trace_id: 't1' },
        { trace_id: 't2' },
        { span_id: 's3' },
        { span_id: 's4', trace_id: 't4' },
        { trace_id: 't5', span_id: 's5' },
        { trace_id: 't6', span_id: 's6', x: 'y' },
        {},
      ],
    );
  });
});
