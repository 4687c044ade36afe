/**
 * OpenMetrics metadata lines are read by character codes and, on an ASCII body, the name from
 * the body's bytes (scanOpenMetricsMetadata): what it makes of any line must be what the plain
 * definition gives — `# HELP `, `# TYPE ` or `# UNIT `, a metric name up to the first space, one
 * space, then the text, one of the type words, or a unit the name ends with — or the same error.
 * Lines are drawn mostly in the usual form with one part changed, so that a check that looks
 * at too little meets a line it gets wrong.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BodyText, setByteMirrorEnabled } from '../../../../src/core/metrics/parserBody';
import { scanOpenMetricsMetadata } from '../../../../src/core/metrics/parserOpenMetricsMeta';
import { LineSyntaxError } from '../../../../src/core/metrics/parserProblems';
import { SUFFIXES } from '../../../../src/core/metrics/parserOpenMetricsFamily';
import { unescapeText } from '../../../../src/core/metrics/parserLexical';
import type { MetricType } from '../../../../src/core/metrics/types';
import { outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

const TYPES = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];

/** The plain definition: what the line says, or the error's reason. */
function plain(line: string): unknown {
  const kind = ['HELP', 'TYPE', 'UNIT'].find((k) => line.startsWith(`# ${k} `));
  if (kind === undefined)
    return 'comment lines other than "# HELP", "# TYPE", "# UNIT" and "# EOF" are not allowed in OpenMetrics';
  const after = line.slice(7);
  const space = after.indexOf(' ');
  const name = space < 0 ? after : after.slice(0, space);
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name))
    return name ? `invalid metric name "${name}" in ${kind}` : `${kind} without a metric name`;
  if (space < 0)
    return `${kind} line for "${name}" needs a space and a ${kind === 'HELP' ? 'text' : kind === 'TYPE' ? 'type' : 'unit'}`;
  const rest = after.slice(space + 1);
  if (kind === 'TYPE') {
    if (!TYPES.includes(rest)) return `unknown metric type "${rest}"`;
    const claims = SUFFIXES[rest as MetricType].map((s) => name + s);
    return { kind, name, rest, claims };
  }
  if (kind === 'UNIT') {
    if (rest !== '' && !name.endsWith(`_${rest}`))
      return `metric name "${name}" must end with "_${rest}" to have unit "${rest}"`;
    return { kind, name, rest, claims: undefined };
  }
  return { kind, name, rest: unescapeText(rest, 0, rest.length), claims: undefined };
}

/** Longer than the byte copy's minimum on its own. */
const PREAMBLE = `# ${'padding '.repeat(40)}\n`;

/** scanOpenMetricsMetadata on `line`, after a line naming `known` (or none). */
function scanned(line: string, known: string): unknown {
  const before = known === '' ? PREAMBLE : `${PREAMBLE}# HELP ${known} x\n`;
  const body = new BodyText(`${before}${line}\n`);
  try {
    const read = scanOpenMetricsMetadata(
      body,
      before.length,
      before.length + line.length,
      known,
      before.length - known.length - 3,
    );
    return { ...read };
  } catch (e) {
    if (!(e instanceof LineSyntaxError)) throw e;
    return e.reason;
  }
}

const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const NAMES = ['a', 'ab', 'a_seconds', 'rpc_seconds_total', 'node_cpu_seconds_total', 'x:y', '_a', ':b'];
const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('', '1a', 'a-b', 'a.b', 'a\u00e9', 'é', 'a\tb', 'a{b}', '"a"') },
);
const rest = fc.oneof(
  fc.constantFrom(...TYPES, 'untyped', 'Counter', 'counte', 'counterr', 'gaugf', 'xauge', 'stateseT', 'infx'),
  fc.constantFrom('', 'seconds', 'total', 'Help.', 'with \\\\ and \\n', ' two', 'trailing ', 'a b'),
);
const line = fc
  .record({
    hash: often('#', '##', '#x'), // the reader hands over lines starting with a "#"
    gap1: often(' ', '  ', '\t', ''),
    kind: fc.constantFrom(
      'HELP',
      'TYPE',
      'UNIT',
      'HELPX',
      'help',
      'TYPO',
      'UNIX',
      'EOF',
      'XELP',
      'TYP',
      'UNITS',
      'UNXT',
      'HEXP',
      'TXPE',
      'HELO',
    ),
    gap2: often(' ', '  ', '\t', ''),
    name,
    gap3: often(' ', '  ', '\t', '', '\r'),
    rest,
  })
  .map((l) => `${l.hash}${l.gap1}${l.kind}${l.gap2}${l.name}${l.gap3}${l.rest}`);

describe('parser: OpenMetrics metadata lines read by character codes and bytes', () => {
  it('read as the plain definition reads them, with and without the byte copy', () => {
    fc.assert(
      fc.property(line, fc.constantFrom('', ...NAMES), fc.boolean(), (text, known, mirrored) => {
        setByteMirrorEnabled(mirrored);
        try {
          assert.deepEqual(scanned(text, known), plain(text), text);
        } finally {
          setByteMirrorEnabled(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('whole bodies parse the same with and without the byte copy', () => {
    const body = fc
      .array(line, { minLength: 1, maxLength: 8 })
      .map((lines) => `# HELP padding ${'x'.repeat(300)}\n${lines.join('\n')}\nx 1\n# EOF\n`);
    fc.assert(
      fc.property(body, (text) => {
        for (const strict of [false, true]) {
          const opts = { format: 'openmetrics' as const, strict };
          assert.deepEqual(outcome(text, opts), outcomeWith([setByteMirrorEnabled], false, text, opts), text);
        }
      }),
      { numRuns: 300 },
    );
  });
});
