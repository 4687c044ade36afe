/**
 * The usual HELP and TYPE lines of a first read of OpenMetrics text are read straight from the
 * body's bytes (MetadataLineReader, parserOpenMetricsMeta.ts): it must read every such line as
 * the general path does and leave every other line to it, so that the same families, problems
 * and errors (same lines, same messages) come out in strict and lenient mode. The bodies are
 * ASCII (but for a few) and longer than the byte copy's minimum, so the byte path runs; they are
 * full of near misses: missing parts, two spaces, tabs, CRs, escapes in HELP, invalid names,
 * unknown types, UNIT rules, repeated families, metadata after samples, names like other
 * families' sample names.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setMetadataBytePathEnabled } from '../../../../src/core/metrics/parserOpenMetricsMeta';
import { outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** A first family long enough on its own for the byte copy. */
const PREAMBLE = `# HELP pad ${'padding '.repeat(40)}\n# TYPE pad gauge\npad 1\n`;

const NAMES = ['a', 'ab', 'a_total', 'a_created', 'b_seconds', 'b_seconds_bucket', 'b_seconds_count', 'c_info', 'x:y'];
const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const name = fc.constantFrom(...NAMES);
/** Half the time another name: one that starts, ends or is written like n. */
const oddName = (n: string) =>
  fc.oneof(
    fc.constant(n),
    fc.constantFrom(
      `${n}x`,
      `${n}_total`,
      `${n.slice(1)}`,
      `1${n}`,
      `${n}.x`,
      `"${n}"`,
      '',
      `${n}\t`,
      `_${n}`,
      `:${n}`,
    ),
  );
/** The line's start, before the space that precedes the name. */
const head = (kind: string) =>
  often(
    `# ${kind}`,
    `#  ${kind}`,
    `#\t${kind}`,
    `# ${kind}X`,
    `# ${kind} `,
    `# ${kind}\t`,
    `# ${kind.toLowerCase()}`,
    `#${kind}`,
    '# HELO',
  );
const gap = often(' ', '  ', '\t', '', ' \t');
const end = often('', '', ' ', '\t', '\r');
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'info', 'stateset', 'gaugehistogram', 'unknown'];
const typeWord = often('counter', ...TYPES, 'untyped', 'COUNTER', 'counte', 'counterr', 'gauge_histogram', '');
const helpText = often(
  'Help text.',
  '',
  ' lead',
  'with \\\\ and \\n',
  'bad \\q',
  'quote \\"',
  'trailing \\',
  'tab\there',
  'x',
  'Total CPU time spent in seconds.',
);
/** Now and then a body that is not ASCII (no byte copy: every line takes the general path). */
const lastLine = fc.oneof({ weight: 20, arbitrary: fc.constant('') }, fc.constant('# HELP z nön-ascii\n'));
const unitWord = often('seconds', 'total', 'info', '', 'bytes', ' seconds');

const helpLine = (n: string) =>
  fc.tuple(head('HELP'), oddName(n), gap, helpText, end).map(([h, ...rest]) => `${h} ${rest.join('')}`);
const typeLine = (n: string) =>
  fc.tuple(head('TYPE'), oddName(n), gap, typeWord, end).map(([h, ...rest]) => `${h} ${rest.join('')}`);
const unitLine = (n: string) =>
  fc.tuple(head('UNIT'), oddName(n), gap, unitWord, end).map(([h, ...rest]) => `${h} ${rest.join('')}`);
const samples = (n: string) =>
  fc.constantFrom(
    [`${n} 1`],
    [`${n}_total 1`, `${n}_created 2`],
    [`${n}_bucket{le="1"} 1`, `${n}_bucket{le="+Inf"} 1`, `${n}_count 1`, `${n}_sum 1`],
    [`${n}{quantile="0.5"} 1`, `${n}_sum 1`, `${n}_count 1`],
    [`${n}_info{v="1"} 1`],
    [`${n}{${n}="s"} 1`],
    [],
  );
/** A family: its metadata lines (most often HELP then TYPE), then samples, perhaps more metadata. */
const family = name.chain((n) =>
  fc
    .tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: helpLine(n) }, { weight: 3, arbitrary: typeLine(n) }, unitLine(n)), {
        minLength: 0,
        maxLength: 4,
      }),
      samples(n),
      fc.array(fc.oneof(helpLine(n), typeLine(n), unitLine(n)), { maxLength: 1 }),
    )
    .map(([meta, lines, after]) => [...meta, ...lines, ...after]),
);
const lines = fc.oneof(
  { weight: 6, arbitrary: family },
  { weight: 1, arbitrary: fc.constantFrom([''], ['# a comment'], ['# HELP'], ['# TYPE a'], ['# EOF'], ['#']) },
);
const body = fc
  .tuple(
    fc.array(lines, { minLength: 1, maxLength: 10 }),
    fc.constantFrom('\n', '\n', '\n', '\r\n'),
    lastLine,
    fc.constantFrom('# EOF\n', '# EOF\n', '# EOF', ''),
  )
  .map(
    ([groups, eol, last, eof]) =>
      PREAMBLE +
      groups
        .flat()
        .map((l) => l + eol)
        .join('') +
      last +
      eof,
  );

const OPTIONS: ParseOptions[] = [
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
  { contentType: 'application/openmetrics-text; version=1.0.0', strict: true },
];

describe('parser: OpenMetrics HELP and TYPE lines of a first read, read from the bytes', () => {
  it('read as the general path reads them, strict and lenient', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS)
          assert.deepEqual(outcome(text, opts), outcomeWith([setMetadataBytePathEnabled], false, text, opts), text);
      }),
      { numRuns: 1500 },
    );
  });

  it('usual families, a repeated one and metadata after samples', () => {
    const text = [
      PREAMBLE.trimEnd(),
      '# HELP a_seconds A with \\\\ and \\n.',
      '# TYPE a_seconds histogram',
      '# UNIT a_seconds seconds',
      'a_seconds_bucket{le="+Inf"} 1',
      'a_seconds_count 1',
      'a_seconds_sum 1',
      '# HELP b B.',
      '# TYPE b counter',
      'b_total 1',
      '# HELP b again',
      '# TYPE b_total gauge',
      '# HELP a_seconds A.',
      '# EOF',
      '',
    ].join('\n');
    const lenient = outcome(text, { format: 'openmetrics' }) as {
      families: { name: string; type: string; help?: string }[];
      problems: { line: number; reason: string }[];
    };
    assert.deepEqual(
      lenient.families.map((f) => [f.name, f.type, f.help]),
      [
        ['pad', 'gauge', 'padding '.repeat(40)],
        ['a_seconds', 'histogram', 'A with \\ and \n.'],
        ['b', 'counter', 'B.'],
      ],
    );
    assert.deepEqual(
      lenient.problems.map((p) => `${p.line}: ${p.reason}`),
      [
        '13: HELP for "b" after its samples',
        '14: "b_total" clashes with metric family "b"',
        '15: metric family "a_seconds" appears twice',
      ],
    );
    for (const opts of OPTIONS)
      assert.deepEqual(outcome(text, opts), outcomeWith([setMetadataBytePathEnabled], false, text, opts));
  });
});
