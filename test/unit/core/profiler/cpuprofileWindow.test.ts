import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { PROFILE_FIXTURES, fixture } from './fixtures';
import { inPieces, lexes, scanned, scannedInPieces } from './cpuprofileOracle';
import { generatedProfile, profileDoc, profileSpec, spelling, write } from '../../../helpers/cpuprofileDocs';

/** The fixtures and spellings of them that put every kind of token at every offset. */
function variants(): [string, Buffer][] {
  const chrome = fixture('cpuprofile/chrome65-simple.cpuprofile');
  const json = JSON.parse(chrome.toString('utf8')) as Record<string, unknown>;
  const text = chrome.toString('utf8');
  const dir = path.join(PROFILE_FIXTURES, 'cpuprofile');
  return [
    ...fs.readdirSync(dir).map((f): [string, Buffer] => [f, fs.readFileSync(path.join(dir, f))]),
    ['pretty, CRLF', Buffer.from(JSON.stringify(json, null, '\t').replace(/\n/g, '\r\n'))],
    ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), chrome])],
    [
      'escapes',
      Buffer.from(
        text
          .replace('"functionName":"a"', '"functionName":"\\u0061"')
          .replace('"functionName":"b"', '"functionName":"b\\ud83d\\ude00 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t"')
          .replace('"functionName":"c"', '"functionName":"c\\udc00 caf\u00e9 \u{1f600}"')
          .replace('"url":""', '"u\\u0072l":"file:\\/\\/\\/srv\\/app.js"'),
      ),
    ],
    [
      'number forms',
      Buffer.from(
        text
          .replace(/"timeDeltas":\[(\d+),(\d+),(\d+)/, '"timeDeltas":[$1e0,$2.0,0.$3E+3')
          .replace('"lineNumber":5,', '"lineNumber":5.000000000000000001,')
          .replace('"startTime":', '"startTime":-0.0e-0,"ignored":123456789012345678901234567890,"was":'),
      ),
    ],
    [
      'long and deep unknown values',
      Buffer.from(
        JSON.stringify({
          ...json,
          title: 'x\\"y'.repeat(3000),
          meta: { a: [1, { b: null, c: true, d: false }] },
        }).replace('"meta":', `"deep":${'['.repeat(300)}${']'.repeat(300)},"meta":`),
      ),
    ],
    ['truncated', chrome.subarray(0, chrome.length - 40)],
    ['trailing text', Buffer.from(`${text} x`)],
    ['generated', Buffer.from(generatedProfile(60, 200))],
  ];
}

describe('.cpuprofile scan through a small window (a file read in pieces)', function () {
  this.timeout(120_000);

  it('every fixture and spelling, read 1 to 64 bytes at a time, scans to exactly the profile the whole buffer gives', () => {
    for (const [name, bytes] of variants()) {
      const whole = scanned(bytes, 'p.cpuprofile');
      for (let chunk = 1; chunk <= 64; chunk++)
        assert.deepStrictEqual(scannedInPieces(bytes, 'p.cpuprofile', chunk), whole, `${name}, ${chunk}-byte pieces`);
    }
  });

  it('a generated 20,000-node, 60,000-sample profile reads the same through small windows and the default one', () => {
    const bytes = Buffer.from(generatedProfile(20_000, 60_000, 7));
    const whole = scanned(bytes, 'big.cpuprofile');
    assert.ok(whole?.ok);
    assert.equal(whole.value.profiles[0]!.sampleCount, 60_000);
    for (const chunk of [1, 3, 16, 61, 4096, 1 << 20])
      assert.deepStrictEqual(scannedInPieces(bytes, 'big.cpuprofile', chunk), whole, `${chunk}-byte pieces`);
  });

  it('any generated profile, whole, cut short or with a byte changed, scans through any window as from the whole buffer', () => {
    fc.assert(
      fc.property(
        profileSpec,
        spelling,
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        fc.constantFrom(...'{}[]",:0-e.\\ nx\u00e9'),
        (p, how, chunk, at, byte) => {
          const text = write(profileDoc(p), how);
          const k = at % text.length;
          for (const t of [text, text.slice(0, k), text.slice(0, k) + byte + text.slice(k + 1)]) {
            const bytes = Buffer.from(t);
            assert.deepStrictEqual(scannedInPieces(bytes, 'p.cpuprofile', chunk), scanned(bytes, 'p.cpuprofile'));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the lexer accepts the same JSON through any window as from the whole buffer', () => {
    fc.assert(
      fc.property(
        fc.json(),
        fc.nat(),
        fc.constantFrom(...'{}[]",:0123-+eE.\\ truefalsn\u0001'),
        fc.integer({ min: 1, max: 64 }),
        (json, at, ch, chunk) => {
          const k = at % (json.length + 1);
          for (const text of [json, json.slice(0, k), json.slice(0, k) + ch + json.slice(k + 1)]) {
            const bytes = Buffer.from(text);
            assert.equal(lexes(inPieces(bytes, chunk), chunk), lexes(bytes), JSON.stringify(text));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
