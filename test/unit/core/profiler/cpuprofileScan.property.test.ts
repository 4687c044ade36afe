import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertImportsAsFullParse, fullParse, lexes, scanned } from './cpuprofileOracle';
import { profileDoc, profileSpec, spelling, write } from '../../../helpers/cpuprofileDocs';

describe('.cpuprofile byte scanner against JSON.parse (property)', function () {
  this.timeout(120_000);

  it('any profile, however spelled, builds the same model through the scanner as through JSON.parse', () => {
    fc.assert(
      fc.property(profileSpec, spelling, (p, how) => {
        const bytes = Buffer.from(write(profileDoc(p), how));
        const viaScan = scanned(bytes, 'p.cpuprofile');
        assert.ok(viaScan, 'the scanner left a well-formed profile to the full parse');
        assert.deepStrictEqual(viaScan, fullParse(bytes, 'p.cpuprofile'));
        assertImportsAsFullParse(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('any profile cut short or with one byte changed imports or fails exactly as through JSON.parse', () => {
    fc.assert(
      fc.property(profileSpec, spelling, fc.nat(), fc.constantFrom(...'{}[]",:0-e.\\ nx\u00e9'), (p, how, at, byte) => {
        const text = write(profileDoc(p), how);
        const k = at % text.length;
        assertImportsAsFullParse(Buffer.from(text.slice(0, k)));
        assertImportsAsFullParse(Buffer.from(text.slice(0, k) + byte + text.slice(k + 1)));
        assertImportsAsFullParse(Buffer.from(text.slice(0, k) + byte + text.slice(k)));
      }),
      { numRuns: 400 },
    );
  });

  it('the lexer accepts exactly the JSON that JSON.parse accepts', () => {
    const parses = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom(...'{}[]",:0123-+eE.\\ truefalsn\u0001'), (json, at, ch) => {
        const k = at % (json.length + 1);
        for (const text of [
          json,
          json.slice(0, k),
          json.slice(0, k) + ch + json.slice(k),
          json.slice(0, k) + ch + json.slice(k + 1),
        ])
          assert.equal(lexes(Buffer.from(text)), parses(text), JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });
});
