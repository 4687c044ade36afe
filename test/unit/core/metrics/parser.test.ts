import * as assert from 'node:assert/strict';
import {
  ExpositionError,
  detectFormat,
  formatValue,
  labelsKey,
  parseExposition,
} from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';

const om = (lines: string[]): string => lines.join('\n') + '\n';

function strictError(text: string | Buffer, opts: ParseOptions = {}): ExpositionError {
  try {
    parseExposition(text, { ...opts, strict: true });
  } catch (e) {
    if (e instanceof ExpositionError) return e;
    throw e;
  }
  assert.fail('expected an ExpositionError');
}

describe('parseExposition: Prometheus text 0.0.4', () => {
  it('reads HELP (with \\\\ and \\n escapes), TYPE, labels with escapes, NaN/±Inf and integer-ms timestamps', () => {
    const r = parseExposition(
      om([
        '# HELP http_requests_total Requests\\nby code, C:\\\\path',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",path="/a \\"b\\"\\\\c\\nd"} 1027 1395066363000',
        'http_requests_total{code="500"} 3',
        '# A free comment is ignored',
        '',
        'temperature NaN',
        'temperature_max +Inf',
        'temperature_min -Inf -5',
      ]),
      { strict: true },
    );
    assert.equal(r.format, 'prometheus');
    const [req, t, tmax, tmin] = r.families;
    assert.equal(req!.help, 'Requests\nby code, C:\\path');
    assert.equal(req!.type, 'counter');
    assert.deepEqual(req!.samples, [
      {
        name: 'http_requests_total',
        labels: { code: '200', path: '/a "b"\\c\nd' },
        value: 1027,
        timestamp: 1395066363000,
      },
      { name: 'http_requests_total', labels: { code: '500' }, value: 3 },
    ]);
    assert.equal(t!.type, 'untyped');
    assert.ok(Number.isNaN(t!.samples[0]!.value));
    assert.equal(tmax!.samples[0]!.value, Infinity);
    assert.deepEqual(tmin!.samples[0], { name: 'temperature_min', labels: {}, value: -Infinity, timestamp: -5 });
  });

  it('allows runs of blanks and tabs, leading blanks and a trailing comma', () => {
    const r = parseExposition('  a \t{ x = "1" , y="2", }\t 4.5e1   17\n#\tTYPE  b   gauge\nb 2\n', { strict: true });
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples]),
      [
        ['a', 'untyped', [{ name: 'a', labels: { x: '1', y: '2' }, value: 45, timestamp: 17 }]],
        ['b', 'gauge', [{ name: 'b', labels: {}, value: 2 }]],
      ],
    );
  });

  it('reads CRLF line ends and blanks at the ends of lines leniently; strict mode rejects them, as Prometheus does', () => {
    const body = 'a{x="1"} 4.5e1   17 \r\n#\tTYPE  b   gauge  \r\nb 2\r\n';
    const r = parseExposition(body);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples]),
      [
        ['a', 'untyped', [{ name: 'a', labels: { x: '1' }, value: 45, timestamp: 17 }]],
        ['b', 'gauge', [{ name: 'b', labels: {}, value: 2 }]],
      ],
    );
    assert.throws(() => parseExposition(body, { strict: true }), /line 1: the line ends in CRLF/);
    assert.throws(() => parseExposition('a 1 \n', { strict: true }), /line 1: blanks at the end of the sample line/);
    assert.throws(
      () => parseExposition('a 1 17\t\n', { strict: true }),
      /line 1: blanks at the end of the sample line/,
    );
    assert.throws(
      () => parseExposition('# TYPE b gauge \nb 1\n', { strict: true }),
      /line 1: blanks after the metric type "gauge"/,
    );
  });

  it('groups histogram _bucket/_sum/_count into the family its TYPE declared', () => {
    const r = parseExposition(
      om([
        '# TYPE lat histogram',
        'lat_bucket{le="0.1"} 1',
        'lat_bucket{le="+Inf"} 2',
        'lat_sum 0.3',
        'lat_count 2',
        'lat_other 1',
      ]),
      { strict: true },
    );
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples.map((s) => s.name)]),
      [
        ['lat', 'histogram', ['lat_bucket', 'lat_bucket', 'lat_sum', 'lat_count']],
        ['lat_other', 'untyped', ['lat_other']],
      ],
    );
  });

  it('attaches OpenMetrics-style _total and _created samples to the counter, histogram or summary their TYPE names', () => {
    const r = parseExposition(
      om([
        '# TYPE jobs counter',
        'jobs_total 4',
        'jobs_created 1.7e9',
        '# TYPE lat summary',
        'lat_sum 1',
        'lat_count 2',
        'lat_created 1.7e9',
        '# TYPE g gauge',
        'g_total 1',
      ]),
      { strict: true },
    );
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples.map((s) => s.name)]),
      [
        ['jobs', 'counter', ['jobs_total', 'jobs_created']],
        ['lat', 'summary', ['lat_sum', 'lat_count', 'lat_created']],
        ['g', 'gauge', []],
        ['g_total', 'untyped', ['g_total']],
      ],
    );
  });

  it('keeps samples with exemplars (an OpenMetrics body served as text/plain) in lenient mode, with one problem; strict rejects', () => {
    const text = '# TYPE c_total counter\nc_total 1 # {t="a"} 0.5\nc_total{x="1"} 2 1000 # {t="b"} 1 17.5\n';
    const r = parseExposition(text, { contentType: 'text/plain; version=0.0.4' });
    assert.deepEqual(r.families[0]!.samples, [
      { name: 'c_total', labels: {}, value: 1, exemplar: { labels: { t: 'a' }, value: 0.5 } },
      {
        name: 'c_total',
        labels: { x: '1' },
        value: 2,
        timestamp: 1000,
        exemplar: { labels: { t: 'b' }, value: 1, timestamp: 17.5 },
      },
    ]);
    assert.equal(r.skippedLines, 0);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [2],
    );
    assert.equal(strictError(text, { format: 'prometheus' }).line, 2);
  });

  it('merges a family whose samples are split by another family, as the reference parser does', () => {
    const r = parseExposition(om(['# TYPE a gauge', 'a{x="1"} 1', 'b 2', 'a{x="2"} 3']), { strict: true });
    assert.deepEqual(
      r.families.map((f) => [f.name, f.samples.length]),
      [
        ['a', 2],
        ['b', 1],
      ],
    );
  });

  const invalid: [string, string, RegExp][] = [
    ['a second TYPE line', '# TYPE a gauge\n# TYPE a counter\n', /line 2: second TYPE line for "a"/],
    ['TYPE after the samples', 'a 1\n# TYPE a gauge\n', /line 2: TYPE line for "a" after its samples/],
    ['an unknown type', '# TYPE a meter\n', /line 1: unknown metric type "meter"/],
    ['a fractional timestamp', 'a 1 1.5\n', /line 1: invalid timestamp "1.5"/],
    ['hex values', 'a 0x10\n', /invalid value "0x10"/],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n', /line 2: histogram bucket without a "le" label/],
    [
      'a summary quantile that is no number',
      '# TYPE s summary\ns{quantile="high"} 1\n',
      /invalid "quantile" label value "high"/,
    ],
    ['an unterminated label value', 'a{x="1} 2\n', /line 1: unterminated label value/],
    ['a duplicate label', 'a{x="1",x="2"} 2\n', /line 1: duplicate label "x"/],
    ['text after the timestamp', 'a 1 2 3\n', /line 1: unexpected text after the timestamp/],
    ['a bad metric name', 'a-b 1\n', /line 1: /],
  ];
  for (const [what, text, message] of invalid) {
    it(`rejects ${what} in strict mode`, () => {
      const e = strictError(text);
      assert.match(e.message, message);
      assert.equal(e.message, `line ${e.line}: ${e.reason}`);
    });
  }

  it('keeps a sample name that equals an earlier label set in the next line (duplicate check is not fooled by reuse)', () => {
    const e = strictError('a{x="1",y="2"} 1\na{x="1",x="2"} 1\n');
    assert.equal(e.line, 2);
    assert.match(e.reason, /duplicate label "x"/);
    const r = parseExposition('a{x="1",y="2"} 1\na{y="1",x="2"} 1\na{x="1",y="2",z="3"} 1\n', { strict: true });
    assert.deepEqual(
      r.families[0]!.samples.map((s) => s.labels),
      [
        { x: '1', y: '2' },
        { y: '1', x: '2' },
        { x: '1', y: '2', z: '3' },
      ],
    );
  });

  it('stores a label named __proto__ as a label, not as the prototype', () => {
    const r = parseExposition('a{__proto__="x",constructor="y"} 1\n', { strict: true });
    const labels = r.families[0]!.samples[0]!.labels;
    assert.deepEqual(Object.keys(labels), ['__proto__', 'constructor']);
    assert.equal(labels.__proto__, 'x');
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  });
});

describe('parseExposition: OpenMetrics 1.0', () => {
  it('reads stateset, info and gaugehistogram families with their sample names', () => {
    const r = parseExposition(
      om([
        '# TYPE feature stateset',
        'feature{feature="a"} 1',
        'feature{feature="b"} 0',
        '# TYPE build info',
        '# HELP build Build \\"info\\"',
        'build_info{version="1.2"} 1',
        '# TYPE queue gaugehistogram',
        'queue_bucket{le="1"} 2',
        'queue_bucket{le="+Inf"} 3',
        'queue_gcount 3',
        'queue_gsum 1.5',
        'nometa 1',
        '# EOF',
      ]),
      { strict: true },
    );
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.help, f.samples.map((s) => s.name)]),
      [
        ['feature', 'stateset', undefined, ['feature', 'feature']],
        ['build', 'info', 'Build "info"', ['build_info']],
        ['queue', 'gaugehistogram', undefined, ['queue_bucket', 'queue_bucket', 'queue_gcount', 'queue_gsum']],
        ['nometa', 'unknown', undefined, ['nometa']],
      ],
    );
  });

  it('reads float timestamps in seconds and exemplars with and without timestamps', () => {
    const r = parseExposition(
      om(['# TYPE c counter', 'c_total{a="1"} 5 1.5e3 # {trace="x y"} 2', 'c_created{a="1"} 1000', '# EOF']),
      { strict: true },
    );
    assert.deepEqual(r.families[0]!.samples, [
      {
        name: 'c_total',
        labels: { a: '1' },
        value: 5,
        timestamp: 1500,
        exemplar: { labels: { trace: 'x y' }, value: 2 },
      },
      { name: 'c_created', labels: { a: '1' }, value: 1000 },
    ]);
  });

  it('rejects in strict mode what breaks the OpenMetrics rules, naming the line', () => {
    const cases: [string[], number, RegExp][] = [
      [['# TYPE a counter', 'a_total -1', '# EOF'], 2, /must not be NaN or negative/],
      [['# TYPE a histogram', 'a_bucket{le="1"} 2', 'a_bucket{le="+Inf"} 1', '# EOF'], 3, /must not decrease/],
      [['a 1', '# EOF', 'b 2'], 3, /text after "# EOF"/],
      [['a 1'], 2, /missing "# EOF"/],
      [['# TYPE a gauge', 'a 1 # {x="y"} 1', '# EOF'], 2, /exemplars are only allowed/],
      [
        ['# TYPE a gauge', 'a{x="1"} 1', 'a{x="2"} 1', 'a{x="1"} 2', '# EOF'],
        4,
        /more than once without timestamps|not contiguous/,
      ],
    ];
    for (const [lines, line, reason] of cases) {
      const e = strictError(lines.join('\n') + '\n', { format: 'openmetrics' });
      assert.equal(e.line, line, lines.join(' | '));
      assert.match(e.reason, reason);
    }
  });

  it('keeps Prometheus-named counters served as OpenMetrics in lenient mode (one problem per name), rejects them in strict mode', () => {
    const text = '# TYPE up_total counter\nup_total{a="1"} 1\nup_total{a="2"} 2\n# TYPE g gauge\ng 1\n# EOF\n';
    const r = parseExposition(text, { format: 'openmetrics' });
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples.map((s) => s.value)]),
      [
        ['up_total', 'counter', [1, 2]],
        ['g', 'gauge', [1]],
      ],
    );
    assert.equal(r.skippedLines, 0);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [2],
    );
    assert.match(r.problems[0]!.reason, /sample "up_total" does not belong in counter "up_total"/);
    assert.equal(strictError(text, { format: 'openmetrics' }).line, 2);
  });

  it('reads CRLF line ends in lenient mode (one problem) and rejects them in strict mode', () => {
    const text = '# TYPE a gauge\r\na 1\r\na{x="2"} 2\r\n# EOF\r\n';
    const r = parseExposition(text);
    assert.equal(r.format, 'openmetrics');
    assert.deepEqual(
      r.families[0]!.samples.map((s) => s.value),
      [1, 2],
    );
    assert.equal(r.skippedLines, 0);
    assert.deepEqual(r.problems, [{ line: 1, reason: 'OpenMetrics lines end with "\\n" alone, not "\\r\\n"' }]);
    assert.equal(strictError(text).line, 1);
  });

  it('in lenient mode keeps a truncated body (no # EOF) and says it may be truncated', () => {
    const r = parseExposition('# TYPE a counter\na_total 1\na_total{ broken\n# TYPE b gauge\nb 2', {
      contentType: 'application/openmetrics-text; version=1.0.0',
    });
    assert.equal(r.format, 'openmetrics');
    assert.equal(r.skippedLines, 1);
    assert.deepEqual(
      r.families.map((f) => f.name),
      ['a', 'b'],
    );
    assert.equal(r.problems.at(-1)!.line, 6);
    assert.match(r.problems.at(-1)!.reason, /missing "# EOF".*truncated/);
  });
});

describe('parseExposition: format detection', () => {
  const body = '# TYPE a counter\na_total 1\n';
  it('follows the content type first', () => {
    assert.equal(
      parseExposition(body + '# EOF\n', { contentType: 'text/plain; version=0.0.4; charset=utf-8' }).format,
      'prometheus',
    );
    assert.equal(
      parseExposition(body, { contentType: 'application/openmetrics-text; version=1.0.0' }).format,
      'openmetrics',
    );
  });
  it('else reads a body ending in # EOF as OpenMetrics, and any other as Prometheus text', () => {
    assert.equal(detectFormat(body), 'prometheus');
    assert.equal(detectFormat(body + '# EOF'), 'openmetrics');
    assert.equal(detectFormat(body + '# EOF\n\n'), 'openmetrics');
    assert.equal(detectFormat('x 1\n#  EOF and more\n'), 'prometheus');
    // Exporters write # UNIT lines in text-format bodies too (OpenTelemetry's does).
    assert.equal(detectFormat('# UNIT a_seconds seconds\n'), 'prometheus');
    assert.equal(parseExposition('# HELP a x\n# UNIT a_s s\n').format, 'prometheus');
  });
  it("keeps a # UNIT line of a text-format body as the family's unit, without OpenMetrics's rule that the name ends in it", () => {
    const text =
      '# HELP http_server_request_duration Duration.\n# UNIT http_server_request_duration s\n# TYPE http_server_request_duration histogram\nhttp_server_request_duration_bucket{le="+Inf"} 2\nhttp_server_request_duration_sum 0.5\nhttp_server_request_duration_count 2\n';
    for (const strict of [false, true]) {
      const r = parseExposition(text, { strict });
      assert.equal(r.format, 'prometheus');
      assert.deepEqual(r.problems, []);
      assert.deepEqual(
        [r.families.length, r.families[0]!.unit, r.families[0]!.type, r.families[0]!.samples.length],
        [1, 's', 'histogram', 3],
      );
    }
  });
  it('reads a body with # UNIT lines and OpenMetrics-only lines but no # EOF (truncated OpenMetrics) as OpenMetrics', () => {
    const r = parseExposition(
      '# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# TYPE b stateset\nb{b="x"} 1\n',
    );
    assert.equal(r.format, 'openmetrics');
    assert.ok(
      r.problems.some((p) => /EOF/.test(p.reason)),
      'the missing # EOF is reported',
    );
  });
  it('switches to OpenMetrics when a # UNIT line comes after lines Prometheus text rejects', () => {
    const r = parseExposition(
      '# TYPE c counter\nc_total 1 # {a="b"} 1\n# TYPE d_seconds gauge\n# UNIT d_seconds seconds\nd_seconds 2\n# EOF',
      { format: 'auto', strict: true },
    );
    assert.equal(r.format, 'openmetrics');
    assert.equal(r.families[0]!.samples[0]!.exemplar?.value, 1);
  });
});

describe('parseExposition: bad bodies', () => {
  it('gives a clear error for an HTML page in strict mode and 0 families with a problem in lenient mode', () => {
    const html = '\n<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>Please log in</body></html>\n';
    assert.match(strictError(html).message, /^line 1: the body is an HTML page, not a metrics exposition/);
    const r = parseExposition(Buffer.from(html));
    assert.deepEqual(r.families, []);
    assert.equal(r.skippedLines, 4);
    assert.match(r.problems[0]!.reason, /HTML page/);
  });

  it('decodes non-UTF-8 bytes with replacement characters and reports the line (lenient), or rejects them (strict)', () => {
    const bytes = Buffer.concat([Buffer.from('ok 1\nlatin{city="M'), Buffer.from([0xfc]), Buffer.from('nchen"} 2\n')]);
    const r = parseExposition(bytes);
    assert.equal(r.families[1]!.samples[0]!.labels.city, 'M\uFFFDnchen');
    assert.equal(r.skippedLines, 0);
    assert.deepEqual(r.problems, [
      { line: 2, reason: 'the body is not valid UTF-8; invalid bytes were replaced with U+FFFD' },
    ]);
    const e = strictError(bytes);
    assert.equal(e.line, 2);
  });

  it('skips and counts bad lines in lenient mode, keeping the first 20 reasons', () => {
    const lines = ['good 1'];
    for (let i = 0; i < 30; i++) lines.push(`bad{ ${i}`);
    lines.push('good_too 2');
    const r = parseExposition(lines.join('\n'));
    assert.equal(r.skippedLines, 30);
    assert.equal(r.problems.length, 20);
    assert.equal(r.problems[0]!.line, 2);
    assert.deepEqual(
      r.families.map((f) => f.name),
      ['good', 'good_too'],
    );
  });

  it('ignores a UTF-8 byte-order mark', () => {
    const r = parseExposition(Buffer.from('\uFEFF# TYPE a gauge\na 1\n'), { strict: true });
    assert.deepEqual(r.families, [{ name: 'a', type: 'gauge', samples: [{ name: 'a', labels: {}, value: 1 }] }]);
  });

  it('returns nothing for an empty body', () => {
    assert.deepEqual(parseExposition(''), { format: 'prometheus', families: [], skippedLines: 0, problems: [] });
  });
});

describe('labelsKey and formatValue', () => {
  it('labelsKey is the same for equal label sets in any order and differs for different ones', () => {
    assert.equal(labelsKey({ b: '2', a: '1' }), 'a="1",b="2"');
    assert.equal(labelsKey({ a: '1', b: '2' }), labelsKey({ b: '2', a: '1' }));
    assert.equal(labelsKey({}), '');
    assert.notEqual(labelsKey({ a: '1",b="2' }), labelsKey({ a: '1', b: '2' }));
    assert.equal(labelsKey({ a: 'x"\\\ny' }), 'a="x\\"\\\\\\ny"');
    assert.equal(labelsKey({ le: '1', a: '1' }, 'le'), 'a="1"');
    assert.equal(labelsKey({ le: '1' }, 'le'), '');
  });

  it('formatValue writes non-finite values as NaN, +Inf, -Inf and keeps numbers', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, -2.5, 1e21].map(formatValue), [
      'NaN',
      '+Inf',
      '-Inf',
      0,
      -2.5,
      1e21,
    ]);
  });
});
