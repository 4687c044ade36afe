import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { LabelMatcher } from '../../../../src/core/prometheus/selector';
import {
  escapeRegex,
  labelsMatch,
  parseSelector,
  quoteLabelValue,
  renderMatchers,
  renderSelector,
} from '../../../../src/core/prometheus/selector';

function parsed(text: string): LabelMatcher[] {
  const r = parseSelector(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function failure(text: string): string {
  const r = parseSelector(text);
  assert.equal(r.ok, false, `${text} should not parse`);
  return r.ok ? '' : r.error.message;
}

describe('prometheus selector', () => {
  it('reads matchers with or without braces, all four operators and the three quote styles', () => {
    assert.deepEqual(parsed('job="demo"'), [{ name: 'job', op: '=', value: 'demo' }]);
    assert.deepEqual(parsed(' { job = "demo" , instance=~\'10\\\\.0\\\\..*\', env!=`prod`, route!~"/admin.*", } '), [
      { name: 'job', op: '=', value: 'demo' },
      { name: 'instance', op: '=~', value: '10\\.0\\..*' },
      { name: 'env', op: '!=', value: 'prod' },
      { name: 'route', op: '!~', value: '/admin.*' },
    ]);
  });

  it('decodes PromQL escapes in double-quoted values and keeps back-quoted ones raw', () => {
    assert.equal(parsed('a="x\\"y\\\\z\\n\\t\\x41\\u00e9\\101"')[0]!.value, 'x"y\\z\n\tA\u00e9A');
    assert.equal(parsed('a=`c:\\temp\\n`')[0]!.value, 'c:\\temp\\n');
    assert.equal(parsed("a='it\\'s'")[0]!.value, "it's");
  });

  it('explains what is wrong and where', () => {
    assert.match(failure('job=demo'), /expected a quoted value after job= at character 5/);
    assert.match(failure('job="demo" instance="x"'), /expected "," between matchers at character 12/);
    assert.match(failure('job="demo'), /unterminated "-quoted value at the end/);
    assert.match(failure('9job="x"'), /expected a label name at character 1/);
    assert.match(failure('job:"x"'), /expected =, !=, =~ or !~ after job/);
    assert.match(failure('{job="x"'), /never closed/);
    assert.match(failure('a="\\q"'), /unknown escape \\q/);
    assert.match(failure('a="\\xZZ"'), /malformed escape \\x/);
  });

  it('refuses an empty selector and one that matches every series', () => {
    assert.match(failure(''), /empty/);
    assert.match(failure('{}'), /empty/);
    assert.match(failure('job=~".*"'), /matches every series/);
    assert.match(failure('job="", env!="prod"'), /matches every series/);
    assert.ok(parseSelector('job=~".+"').ok);
    assert.match(failure('job="demo", __name__="http_requests_total"'), /names a metric \(__name__\)/);
  });

  it('quotes values so that quotes, backslashes and control characters survive', () => {
    assert.equal(quoteLabelValue('a"b\\c\nd\te\x01'), '"a\\"b\\\\c\\nd\\te\\x01"');
    assert.equal(renderSelector([{ name: 'job', op: '=', value: 'de"mo' }], 'up'), 'up{job="de\\"mo"}');
    assert.equal(renderSelector([]), '{}');
    assert.equal(renderMatchers(parsed('a=~"x", b!="y"')), 'a=~"x", b!="y"');
  });

  it('round-trips any label value through render and parse (property)', () => {
    const matcher = fc.record({
      name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
      op: fc.constantFrom<LabelMatcher['op']>('=', '!='),
      value: fc.string({ unit: 'binary', maxLength: 30 }).filter((v) => v.length > 0),
    });
    fc.assert(
      fc.property(fc.array(matcher, { minLength: 1, maxLength: 4 }), (ms) => {
        const withJob: LabelMatcher[] = [{ name: 'job', op: '=', value: 'x' }, ...ms.map((m) => ({ ...m }))];
        assert.deepEqual(parsed(renderMatchers(withJob)), withJob);
        assert.deepEqual(parsed(renderSelector(withJob)), withJob);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes regex metacharacters for literal matching', () => {
    const literal = '/api/v1/items(1).json?x=[a]|{b}^$+*\\';
    assert.ok(new RegExp(`^${escapeRegex(literal)}$`).test(literal));
    assert.equal(new RegExp(`^${escapeRegex('a.b')}$`).test('axb'), false);
  });

  it('matches label sets the way the server would', () => {
    const ms = parsed('job="demo", instance=~"127\\\\.0\\\\.0\\\\.1:.*", env!="prod"');
    assert.equal(labelsMatch({ job: 'demo', instance: '127.0.0.1:3100' }, ms), true);
    assert.equal(labelsMatch({ job: 'demo', instance: '127.0.0.1:3100', env: 'prod' }, ms), false);
    assert.equal(labelsMatch({ instance: '127.0.0.1:3100' }, ms), false);
    assert.equal(labelsMatch({ job: 'demo', instance: '10.0.0.1:3100' }, ms), false);
  });
});
