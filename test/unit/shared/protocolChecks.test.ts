import * as assert from 'node:assert/strict';
import type { MessageCheck } from '../../../src/shared/protocol/messageCheck';
import { checkDashboardToHost } from '../../../src/shared/protocol/dashboard';
import { checkProfileToHost } from '../../../src/shared/protocol/profile';
import { checkTraceToHost } from '../../../src/shared/protocol/trace';

/** One table for both protocols: what each accepts, and how each refuses the same hostile input. */
interface ProtocolCase {
  page: string;
  check: (value: unknown) => MessageCheck<{ type: string }>;
  /** Well-formed messages, and what the handler gets for each (only the declared fields). */
  accepted: [unknown, unknown][];
  /** Messages of a known type with a bad field: [message, kind, words the reason must hold]. */
  malformed: [unknown, string, RegExp][];
}

const CASES: ProtocolCase[] = [
  {
    page: 'dashboard',
    check: checkDashboardToHost,
    accepted: [
      [{ type: 'reprobe' }, { type: 'reprobe' }],
      [
        { type: 'select', targetId: 'x', range: '1h', extra: '<script>' },
        { type: 'select', targetId: 'x', range: '1h' },
      ],
      [JSON.parse('{"type":"attach","__proto__":{"admin":true}}'), { type: 'attach' }],
    ],
    malformed: [
      [{ type: 'select', targetId: 'x', range: '2y' }, 'malformed:select', /range must be one of 15m, 1h, 24h, 30d/],
      [{ type: 'select', range: '1h' }, 'malformed:select', /targetId must be a string, not undefined/],
      [{ type: 'rendered', reason: 'first', renderMs: NaN, points: 1 }, 'malformed:rendered', /renderMs/],
      [{ type: 'detach', targetId: { toString: 'x' } }, 'malformed:detach', /targetId must be a string/],
    ],
  },
  {
    page: 'profile',
    check: checkProfileToHost,
    accepted: [
      [{ type: 'ready' }, { type: 'ready' }],
      [
        { type: 'openSource', frame: 3, file: '/etc/passwd' },
        { type: 'openSource', frame: 3 },
      ],
      [JSON.parse('{"type":"ready","__proto__":{"admin":true}}'), { type: 'ready' }],
    ],
    malformed: [
      [{ type: 'openSource', frame: -1 }, 'malformed:openSource', /frame must be a non-negative integer, not -1/],
      [{ type: 'openSource', file: '/etc/passwd' }, 'malformed:openSource', /frame .*not undefined/],
      [{ type: 'rendered', view: 'flame', renderMs: 1, firstRow: '' }, 'malformed:rendered', /view must be one of/],
      [{ type: 'openDiffSource', row: '0' }, 'malformed:openDiffSource', /row must be a non-negative integer/],
    ],
  },
  {
    page: 'trace',
    check: checkTraceToHost,
    accepted: [
      [{ type: 'ready' }, { type: 'ready' }],
      [
        { type: 'rendered', traceId: 'ab'.repeat(16), rows: 7, renderMs: 1.5, html: '<img src=x onerror=alert(1)>' },
        { type: 'rendered', traceId: 'ab'.repeat(16), rows: 7, renderMs: 1.5 },
      ],
    ],
    malformed: [
      [
        { type: 'rendered', traceId: 'x', rows: -2, renderMs: 1 },
        'malformed:rendered',
        /rows must be a non-negative integer, not -2/,
      ],
      [{ type: 'rendered', traceId: 7, rows: 1, renderMs: 1 }, 'malformed:rendered', /traceId must be a string, not 7/],
      [
        { type: 'rendered', traceId: 'x', rows: 1, renderMs: Infinity },
        'malformed:rendered',
        /renderMs must be a finite number/,
      ],
      [
        { type: 'rendered', traceId: 'x', rows: 1.5, renderMs: 1 },
        'malformed:rendered',
        /rows must be a non-negative integer/,
      ],
    ],
  },
];

/** The same hostile input for both pages: none is a message, every one is refused with its kind. */
const HOSTILE: [string, unknown, string][] = [
  ['null', null, 'not-an-object'],
  ['a bare string', 'ready', 'not-an-object'],
  ['a number', 7, 'not-an-object'],
  ['an array', [{ type: 'ready' }], 'not-an-object'],
  ['no type', {}, 'unknown-type'],
  ['a type that is no message', { type: 'eval', code: '1' }, 'unknown-type'],
  ['a numeric type', { type: 42 }, 'unknown-type'],
  ['an object as type', { type: { toString: 'ready' } }, 'unknown-type'],
  ['an inherited name as type (toString)', { type: 'toString' }, 'unknown-type'],
  ['an inherited name as type (constructor)', { type: 'constructor' }, 'unknown-type'],
  ['__proto__ as type', JSON.parse('{"type":"__proto__"}'), 'unknown-type'],
  ['hasOwnProperty as type', { type: 'hasOwnProperty' }, 'unknown-type'],
  ['a type inherited, not own', Object.create({ type: 'ready' }), 'unknown-type'],
  ['a megabyte type', { type: 'x'.repeat(1_000_000) }, 'unknown-type'],
];

describe('webview protocol validators (dashboard, profile and trace alike)', () => {
  for (const p of CASES) {
    describe(p.page, () => {
      it('accepts well-formed messages and hands on only the fields their type declares', () => {
        for (const [input, expected] of p.accepted) {
          const r = p.check(input);
          assert.ok(r.ok, `${JSON.stringify(input)}: ${r.ok ? '' : r.reason}`);
          assert.deepEqual(r.message, expected);
          assert.equal(Object.getPrototypeOf(r.message), Object.prototype);
        }
      });

      it('refuses a malformed message of a known type, saying which field is wrong and why', () => {
        for (const [input, kind, words] of p.malformed) {
          const r = p.check(input);
          assert.ok(!r.ok, JSON.stringify(input));
          assert.equal(r.kind, kind);
          assert.match(r.reason, new RegExp(`^the ${p.page} page sent a malformed`));
          assert.match(r.reason, words);
        }
      });

      for (const [what, input, kind] of HOSTILE) {
        it(`refuses ${what} without throwing, as kind ${kind}, with a short reason`, () => {
          const r = p.check(input);
          assert.ok(!r.ok);
          assert.equal(r.kind, kind);
          assert.match(r.reason, new RegExp(`^the ${p.page} page sent `));
          assert.ok(r.reason.length < 400, `reason is ${r.reason.length} characters`);
          if (kind === 'unknown-type') assert.match(r.reason, /\(known: ready, /);
        });
      }
    });
  }
});
