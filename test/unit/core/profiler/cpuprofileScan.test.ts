import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { scanCpuProfile } from '../../../../src/core/profiler/formats/cpuprofileScan';
import { PROFILE_FIXTURES, fixture, fn } from './fixtures';
import { assertImportsAsFullParse, assertScansLikeFullParse, fullParse, scanned } from './cpuprofileOracle';

const close = (actual: number | null, expected: number, tol = 0.05) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≉ ${expected}`);

const chrome65 = () => fixture('cpuprofile/chrome65-simple.cpuprofile');
const chrome65Json = () => JSON.parse(chrome65().toString('utf8')) as Record<string, unknown>;

/** Rewrites every object with its keys in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reversedKeys(x)]),
    );
  return v;
}

describe('.cpuprofile byte scanner', () => {
  it('reads chrome65-simple from its bytes as the full parse does: 29 samples, d 28 of them and 33.3 ms self', () => {
    const r = scanned(chrome65(), 'chrome65-simple.cpuprofile');
    assert.ok(r?.ok);
    const p = r.value.profiles[0]!;
    assert.equal(p.sampleCount, 29);
    close(p.durationMs, 47.9);
    assert.equal(fn(p, 'd').selfSamples, 28);
    close(fn(p, 'd').selfMs, 33.3);
    close(fn(p, 'a').totalMs, 33.3);
    close(fn(p, 'b').totalMs, 17.0);
    close(fn(p, 'c').totalMs, 16.3);
    assert.deepStrictEqual(r, fullParse(chrome65(), 'chrome65-simple.cpuprofile'));
  });

  it('every .cpuprofile fixture imports exactly as through the full parse (the legacy head one by it)', () => {
    const dir = path.join(PROFILE_FIXTURES, 'cpuprofile');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    assert.ok(files.length >= 2);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dir, f));
      assertImportsAsFullParse(bytes, f);
      const viaScan = scanned(bytes, f);
      if (viaScan) assert.deepStrictEqual(viaScan, fullParse(bytes, f), f);
    }
    // The pre-2018 nested `head` tree is read by the full parse, with the README's values.
    const legacy = fixture('cpuprofile/node10-legacy-head-format.cpuprofile');
    assert.equal(scanCpuProfile(legacy), undefined);
    const r = importProfile(legacy, 'node10-legacy-head-format.cpuprofile');
    assert.ok(r.ok);
    assert.equal(fn(r.value.profiles[0]!, 'd').selfSamples, 28);
  });

  it('reads pretty-printed, reordered, BOM-prefixed and CRLF files', () => {
    const json = chrome65Json();
    assertScansLikeFullParse(Buffer.from(JSON.stringify(json, null, 2)));
    assertScansLikeFullParse(Buffer.from(JSON.stringify(json, null, '\t').replace(/\n/g, '\r\n')));
    assertScansLikeFullParse(Buffer.from(JSON.stringify(reversedKeys(json), null, 1)));
    assertScansLikeFullParse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), chrome65()]));
    // Flat frame fields beside a callFrame are ignored, as the full parse ignores them.
    assertScansLikeFullParse(Buffer.from(chrome65().toString('utf8').replace('{"id":1,', '{"id":1,"url":"flat",')));
  });

  it('decodes escapes (\\uXXXX, surrogate pairs, lone surrogates, \\" and \\\\) and keys spelled with escapes', () => {
    const text = chrome65()
      .toString('utf8')
      .replace('"functionName":"a"', '"functionName":"\\u0061"')
      .replace('"functionName":"b"', '"functionName":"b\\ud83d\\ude00 \\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t"')
      .replace('"functionName":"c"', '"functionName":"c\\udc00 caf\u00e9 \u{1f600}"')
      .replace('"url":""', '"u\\u0072l":"file:\\/\\/\\/srv\\/app.js"');
    const r = scanned(Buffer.from(text), 'p.cpuprofile');
    assert.ok(r?.ok);
    const names = r.value.profiles[0]!.functions.map((f) => f.name);
    assert.ok(names.includes('a'), names.join());
    assert.ok(names.includes('b\u{1f600} "quoted" \\ / \b\f\n\r\t'), names.join());
    assert.ok(names.includes('c\udc00 caf\u00e9 \u{1f600}'), names.join());
    assertScansLikeFullParse(Buffer.from(text));
  });

  it('reads numbers in every JSON form (exponents, fractions, -0, long integers) as JSON.parse does', () => {
    const text = chrome65()
      .toString('utf8')
      .replace(/"timeDeltas":\[(\d+),(\d+),(\d+)/, '"timeDeltas":[$1e0,$2.0,0.$3E+3')
      .replace('"lineNumber":5,', '"lineNumber":5.000000000000000001,')
      .replace('"columnNumber":10}', '"columnNumber":1e1}')
      .replace('"startTime":', '"startTime":-0.0e-0,"ignored":123456789012345678901234567890,"was":');
    assert.notEqual(text, chrome65().toString('utf8'));
    assertScansLikeFullParse(Buffer.from(text));
  });

  it('reads trace-event style nodes that name their `parent` instead of listing children', () => {
    const json = chrome65Json() as { nodes: { id: number; children?: number[]; parent?: number }[] };
    const parentOf = new Map<number, number>();
    for (const n of json.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    for (const n of json.nodes) {
      delete n.children;
      if (parentOf.has(n.id)) n.parent = parentOf.get(n.id);
    }
    json.nodes.reverse();
    const bytes = Buffer.from(JSON.stringify(json));
    assertScansLikeFullParse(bytes);
    const r = scanned(bytes, 'p.cpuprofile');
    assert.equal(r?.ok && fn(r.value.profiles[0]!, 'd').selfSamples, 28);
  });

  it('skips unknown values of any depth and size: 100,000 nested lists, a 5 MB string', () => {
    const json = chrome65Json();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = JSON.stringify({ ...json, title: 'x'.repeat(5_000_000), meta: { a: [1, { b: null }] } }).replace(
      '"meta":',
      `"deep":${deep},"meta":`,
    );
    assertScansLikeFullParse(Buffer.from(text));
  });

  it('leaves shapes it does not read to the full parse, so they import or fail as before', () => {
    const good = chrome65().toString('utf8');
    const cases = [
      good.replace('"id":2,', '"id":2,"id":2,'), // a repeated key: JSON.parse keeps the last
      good.replace('"functionName":"a"', '"functionName":7'),
      good.replace('"lineNumber":5', '"lineNumber":null'),
      good.replace('"children":[5]', '"children":null'),
      good.replace('"samples":[', '"samples":[1.5,'),
      good.replace('{"id":1,"callFrame":', '{"id":1,"functionName":"flat","frame":'),
      good.replace('"callFrame":{"functionName":"a"', '"callFrame":null,"x":{"functionName":"a"'),
      good.replace('"hitCount":0,', '"hitCount":0,,'),
      good.replace('"url":""', '"url":"tab\there"'),
      good.replace('"url":""', '"url":"bad \\x escape"'),
      `${good} trailing`,
      good.slice(0, good.length - 1),
    ];
    for (const text of cases) {
      assert.notEqual(text, good);
      assert.equal(scanCpuProfile(Buffer.from(text)), undefined, text.slice(0, 120));
      assertImportsAsFullParse(Buffer.from(text));
    }
  });

  it('a file truncated at any byte fails with the same message as before', () => {
    const bytes = Buffer.from(JSON.stringify(chrome65Json(), null, 1));
    for (let end = 0; end < bytes.length; end += 7) {
      const part = bytes.subarray(0, end);
      assert.equal(scanCpuProfile(part), undefined);
      assertImportsAsFullParse(part);
    }
  });

  it('semantic faults found on scanned columns read as the full parse words them', () => {
    const good = chrome65().toString('utf8');
    for (const text of [
      good.replace('"samples":[', '"samples":[99,'),
      good.replace('"children":[5]', '"children":[42]'),
      good.replace(/"timeDeltas":\[[^\]]*\]/, '"timeDeltas":[1,2]'),
      good.replace('"positionTicks":[{"line":16,"ticks":13}', '"positionTicks":[{"line":16,"ticks":1e999}'),
      good.replace('"nodes":[{', '"nodes":[],"x":[{'),
    ]) {
      assert.notEqual(text, good);
      const r = importProfile(Buffer.from(text), 'p.cpuprofile');
      assert.equal(r.ok, false);
      assertImportsAsFullParse(Buffer.from(text));
    }
  });
});
