import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeriesCache, parseExposition } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { BodyText, setByteMirrorEnabled } from '../../../../src/core/metrics/parserBody';
import {
  LABEL_NAMES,
  NAMES,
  NUMBERS,
  OPTIONS,
  VALUES,
  applyEdits,
  body,
  corpusBodies,
  edits,
  outcome,
} from '../../../helpers/expositionArbitraries';
import { movedValues } from '../../../helpers/scrapeRounds';

/** Parses `texts` in order through one cache; each outcome must be the one a parse without a cache has. */
function assertCacheChangesNothing(texts: string[], opts: ParseOptions): void {
  const cache = new SeriesCache();
  for (const text of texts) assert.deepEqual(outcome(text, { ...opts, seriesCache: cache }), outcome(text, opts), text);
}

function contentTypeOf(text: string): string {
  return text.trimEnd().endsWith('# EOF') ? 'application/openmetrics-text; version=1.0.0' : 'text/plain; version=0.0.4';
}

describe('BodyText.sameAs and same (comparing text in place)', () => {
  it('same finds a difference at any position of any length within one body, byte copies on and off', () => {
    const base = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(10);
    for (const mirrored of [true, false]) {
      setByteMirrorEnabled(mirrored);
      try {
        for (let n = 0; n <= 40; n++) {
          // The text at 5 is compared with its copy at 300 (and once a character of it is changed).
          const piece = base.slice(5, 5 + n);
          const body = (copy: string) => new BodyText(base.slice(0, 300) + copy + base);
          assert.ok(body(piece).same(5, 300, n), `length ${n}`);
          for (let k = 0; k < n; k++) {
            const changed = piece.slice(0, k) + '~' + piece.slice(k + 1);
            assert.ok(!body(changed).same(5, 300, n), `length ${n}, differing at ${k}`);
          }
        }
      } finally {
        setByteMirrorEnabled(true);
      }
    }
  });

  it('sameAs finds a difference at any position of any length, byte copies on and off', () => {
    const base = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(10);
    for (const mirrored of [true, false]) {
      setByteMirrorEnabled(mirrored);
      try {
        const a = new BodyText(base);
        for (let n = 0; n <= 40; n++) {
          for (const [from, at] of [
            [0, 7],
            [3, 300],
          ] as const) {
            const same = new BodyText('#'.repeat(at) + base.slice(from, from + n) + base);
            assert.ok(same.sameAs(a, at, from, n), `length ${n}`);
            for (let k = 0; k < n; k++) {
              const text =
                '#'.repeat(at) + base.slice(from, from + k) + '~' + base.slice(from + k + 1, from + n) + base;
              assert.ok(!new BodyText(text).sameAs(a, at, from, n), `length ${n}, differing at ${k}`);
            }
          }
        }
      } finally {
        setByteMirrorEnabled(true);
      }
    }
  });
});

describe('parseExposition with a series cache', () => {
  it('parses any sequence of generated bodies exactly as without the cache (errors, problems and all)', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 4 }), fc.constantFrom(...OPTIONS), (texts, opts) =>
        assertCacheChangesNothing(texts, opts),
      ),
      { numRuns: 400 },
    );
  });

  it('tells a repeated series text from one that goes on differently (blanks, braces after it)', () => {
    // Each line is written twice, the series text the same, what follows it different: one more
    // blank, a tab, braces after a blank, a value glued on.
    const series = fc.tuple(
      fc.constantFrom(...NAMES),
      fc.oneof(
        fc.constant(''),
        fc
          .array(fc.tuple(fc.constantFrom(...LABEL_NAMES), fc.constantFrom(...VALUES)), { minLength: 1, maxLength: 3 })
          .map((pairs) => `{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}`),
      ),
    );
    const tail = fc.tuple(
      fc.constantFrom(' ', '  ', '\t', ' \t', ' {x="y"} ', '{x="y"} ', ' {} ', ' { } ', ''),
      fc.constantFrom(...NUMBERS),
    );
    const line = fc
      .tuple(series, tail, tail)
      .map(([[name, labels], a, b]) => [name + labels + a[0] + a[1], name + labels + b[0] + b[1]]);
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...OPTIONS),
        fc.boolean(),
        (lines, opts, eof) => {
          const end = eof ? '# EOF\n' : '';
          const pad = `# HELP pad ${'p'.repeat(300)}\n`;
          const first = pad + lines.map((l) => l[0]).join('\n') + '\n' + end;
          const second = pad + lines.map((l) => l[1]).join('\n') + '\n' + end;
          assertCacheChangesNothing([first, second, first], opts);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('reads a line that repeats a kept one up to its end as without the cache, whatever ends it', () => {
    // Later scrapes are read line by line before each line's end is looked for: a kept HELP or
    // TYPE line must be followed by the newline, a kept series by a plain value and the newline;
    // anything else (a blank, a CR, a timestamp, an exemplar, a sign, the body's end) is read
    // as a line of its own.
    const ends = ['', ' ', '\r', ' 17', ' # {a="b"} 1', '\t', 'x'];
    const line = fc.tuple(
      fc.constantFrom(...NAMES),
      fc.constantFrom('', '{a="1"}', '{le="0.5",code="200"}'),
      fc.constantFrom(...NUMBERS),
      fc.constantFrom(...ends),
    );
    const meta = fc.tuple(
      fc.constantFrom('# HELP x text', '# TYPE x counter', '# a comment'),
      fc.constantFrom(...ends),
    );
    const bodyOf = (lines: [string, string][], eof: boolean, lastNewline: boolean): string => {
      const text = `# HELP pad ${'p'.repeat(300)}\n` + lines.map(([l, e]) => l + e).join('\n') + (eof ? '\n# EOF' : '');
      return lastNewline ? text + '\n' : text;
    };
    const round = fc.tuple(
      fc.array(
        fc.oneof(
          line.map(([name, labels, value, end]): [string, string] => [`${name}${labels} ${value}`, end]),
          meta,
        ),
        { minLength: 1, maxLength: 8 },
      ),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        round,
        fc.array(fc.constantFrom(...ends), { maxLength: 8 }),
        fc.constantFrom(...OPTIONS),
        fc.boolean(),
        ([lines, lastNewline], newEnds, opts, eof) => {
          // The same lines again, some ending otherwise, then the first body again.
          const again = lines.map(([l, e], i): [string, string] => [l, newEnds[i] ?? e]);
          const first = bodyOf(lines, eof, true);
          assertCacheChangesNothing([first, bodyOf(again, eof, lastNewline), first, first], opts);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('reads the same series under families that change type, name and order from scrape to scrape as without the cache', () => {
    // What a parse works out from a series alone (a bucket's "le", its group, its suffix in its
    // family) is kept for the next parse: the same series texts here meet other families, types
    // and neighbours in every body.
    const series = [
      'x_bucket{le="0.5"}',
      'x_bucket{le="+Inf"}',
      'x_bucket{le="1",a="1"}',
      'x_count',
      'x_sum',
      'x_total',
      'x_created',
      'x{quantile="0.5"}',
      'x{quantile="2"}',
      'x{x="on"}',
      'x',
      'x_info',
      'x_bucket{le="bad"}',
      'y_total{a="1"}',
      'y{le="0.5"}',
    ];
    const types = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];
    const scrape = fc.record({
      xType: fc.constantFrom(...types),
      yType: fc.constantFrom(...types),
      lines: fc.array(fc.tuple(fc.nat({ max: series.length - 1 }), fc.constantFrom('0', '1', '3', '2.5')), {
        minLength: 1,
        maxLength: 10,
      }),
      yFirst: fc.boolean(),
    });
    const render = (b: { xType: string; yType: string; lines: [number, string][]; yFirst: boolean }, eof: boolean) => {
      const x = b.lines.filter(([i]) => series[i]!.startsWith('x'));
      const y = b.lines.filter(([i]) => series[i]!.startsWith('y'));
      const block = (name: string, type: string, ls: [number, string][]) =>
        [`# TYPE ${name} ${type}`, ...ls.map(([i, v]) => `${series[i]} ${v}`)].join('\n');
      const blocks = [block('x', b.xType, x), block('y', b.yType, y)];
      if (b.yFirst) blocks.reverse();
      return `# HELP pad ${'p'.repeat(300)}\n${blocks.join('\n')}\n${eof ? '# EOF\n' : ''}`;
    };
    fc.assert(
      fc.property(
        fc.array(scrape, { minLength: 2, maxLength: 5 }),
        fc.constantFrom(...OPTIONS),
        fc.boolean(),
        (bodies, opts, eof) =>
          assertCacheChangesNothing(
            bodies.map((b) => render(b, eof || opts.format === 'openmetrics')),
            opts,
          ),
      ),
      { numRuns: 500 },
    );
  });

  it('parses series that come and go exactly as without the cache while old entries are scanned afresh', () => {
    const stable = Array.from({ length: 20 }, (_, i) => `stable_series_total{route="/a/long/route/${i}"} ${i}`);
    const texts: string[] = [];
    for (let round = 0; round < 12; round++) {
      const arrived = Array.from(
        { length: round },
        (_, i) => `# HELP arrived_${i} help\narrived_${i}{id="${i}"} ${round}`,
      );
      texts.push([...stable, ...arrived, `passing_total{id="${round}"} 1`, ...stable.slice(0, 3)].join('\n') + '\n');
    }
    for (const opts of OPTIONS) assertCacheChangesNothing(texts, opts);
  });

  it('parses edited real scrapes after the original exactly as without the cache, byte mirror on and off', () => {
    const files = corpusBodies();
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), edits, edits, (f, first, second) => {
        const original = files[f]!;
        const texts = [original, applyEdits(original, first), applyEdits(movedValues(original, 3), second), original];
        for (const opts of OPTIONS) assertCacheChangesNothing(texts, opts);
        setByteMirrorEnabled(false);
        try {
          assertCacheChangesNothing(texts, {});
        } finally {
          setByteMirrorEnabled(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('hands the label objects of repeated series from one parse to the next (frozen), and new ones for new series', () => {
    for (const text of corpusBodies()) {
      const opts: ParseOptions = { contentType: contentTypeOf(text), seriesCache: new SeriesCache() };
      const first = parseExposition(text, opts);
      const second = parseExposition(movedValues(text, 1), opts);
      const firstSamples = first.families.flatMap((f) => f.samples);
      const secondSamples = second.families.flatMap((f) => f.samples);
      assert.equal(secondSamples.length, firstSamples.length);
      assert.ok(firstSamples.length > 0);
      secondSamples.forEach((s, i) => {
        assert.equal(s.labels, firstSamples[i]!.labels, `${s.name} ${JSON.stringify(s.labels)}`);
        assert.ok(Object.isFrozen(s.labels));
      });
      assert.throws(() => {
        (secondSamples[0]!.labels as Record<string, string>).added = 'x';
      }, TypeError);
    }
    // A series that is new in the second body gets a label object of its own.
    const cache = new SeriesCache();
    const a = parseExposition('x{a="1"} 1\nx{a="2"} 1\n', { seriesCache: cache });
    const b = parseExposition('x{a="1"} 2\nx{a="3"} 2\nx{a="2"} 2\n', { seriesCache: cache });
    const [a1, a2] = a.families[0]!.samples;
    const [b1, b3, b2] = b.families[0]!.samples;
    assert.equal(b1!.labels, a1!.labels);
    assert.equal(b2!.labels, a2!.labels);
    assert.deepEqual(b3!.labels, { a: '3' });
    assert.notEqual(b3!.labels, a1!.labels);
  });

  it('never holds strings of more than three bodies, however series come and go', () => {
    const cache = new SeriesCache();
    const stable = Array.from({ length: 50 }, (_, i) => `stable_series_total{route="/a/long/route/${i}"} 1`);
    const arrived: string[] = [];
    for (let round = 0; round < 30; round++) {
      // Each round a series arrives and stays, and one arrives for this round only.
      arrived.push(`arrived_series_total{id="${round}-and-staying"} 1`);
      const passing = `passing_series_total{id="${round}-passing-by"} 1`;
      parseExposition([...stable, ...arrived, passing].join('\n') + '\n', { seriesCache: cache });
      assert.ok(
        cache.generationsKept() <= 3,
        `round ${round}: entries hold strings of ${cache.generationsKept()} bodies`,
      );
    }
  });

  it('drops its entries when the dialect or strictness changes, and still parses right', () => {
    const om = '# TYPE x counter\nx_total{a="1"} 1\n# EOF\n';
    const text = '# TYPE x_total counter\nx_total{a="1"} 1\n';
    assertCacheChangesNothing([om, text, om], {});
    const cache = new SeriesCache();
    const line = 'x{a="b\\q"} 1\n';
    const lenient = () => parseExposition(line, { seriesCache: cache, format: 'prometheus' });
    assert.deepEqual(lenient().families[0]!.samples[0]!.labels, { a: 'b\\q' });
    assert.throws(() => parseExposition(line, { seriesCache: cache, strict: true, format: 'prometheus' }), /escape/);
    assert.deepEqual(lenient().families[0]!.samples[0]!.labels, { a: 'b\\q' });
  });
});
