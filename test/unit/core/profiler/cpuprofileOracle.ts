/**
 * The two readings of a .cpuprofile that must agree: the byte scanner's, and the whole file through
 * JSON.parse (how the importer read every file before the scanner, and still reads what the scanner
 * leaves alone).
 */
import * as assert from 'node:assert/strict';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import type { ImportResult } from '../../../../src/core/profiler/formats/index';
import {
  importCpuProfile,
  importCpuProfileSource,
  looksLikeCpuProfile,
} from '../../../../src/core/profiler/formats/cpuprofile';
import { scanCpuProfile } from '../../../../src/core/profiler/formats/cpuprofileScan';
import type { ByteSource } from '../../../../src/core/profiler/formats/byteWindow';
import { JsonBytes } from '../../../../src/core/profiler/formats/jsonBytes';
import { NotCovered } from '../../../../src/core/profiler/formats/byteTables';
import { decodeText } from '../../../../src/core/profiler/formats/folded';
import { invalid } from '../../../../src/core/profiler/formats/types';
import { errorMessage } from '../../../../src/core/util/result';

/** The full parse, as the importer's JSON path does it. */
export function fullParse(bytes: Buffer, name: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(decodeText(bytes));
  } catch (e) {
    return invalid('cpuprofile', `it is not valid JSON (${errorMessage(e)}).`);
  }
  return looksLikeCpuProfile(json)
    ? importCpuProfile(json, name)
    : invalid('cpuprofile', 'it has no "nodes" (or legacy "head") and "samples".');
}

/** The scanner's reading, or undefined where it leaves the file to the full parse. */
export function scanned(bytes: Buffer, name: string): ImportResult | undefined {
  const src = scanCpuProfile(bytes);
  return src && importCpuProfileSource(src, name);
}

/**
 * What importProfile gives for a file the full parse reads as `expected`: the same result, except
 * that a valid profile with no samples is refused as empty, and an exception becomes a message.
 */
export function assertImportsAsFullParse(bytes: Buffer, file = 'p.cpuprofile'): void {
  const actual = importProfile(bytes, file);
  let expected: ImportResult;
  try {
    expected = fullParse(bytes, file);
  } catch (e) {
    assert.equal(actual.ok, false);
    assert.ok(!actual.ok && actual.error.message.includes(`(${errorMessage(e)})`), JSON.stringify(actual));
    return;
  }
  if (expected.ok && expected.value.profiles.every((p) => p.sampleCount === 0 && !((p.totalMs ?? 0) > 0))) {
    assert.equal(!actual.ok && actual.error.kind, 'empty');
    return;
  }
  assert.deepStrictEqual(actual, expected);
}

/** The scanner covers the file and builds exactly the model the full parse builds. */
export function assertScansLikeFullParse(bytes: Buffer, name = 'p.cpuprofile'): void {
  const viaScan = scanned(bytes, name);
  assert.ok(viaScan, 'the scanner left this file to the full parse');
  assert.deepStrictEqual(viaScan, fullParse(bytes, name));
  assertImportsAsFullParse(bytes, name);
}

/** A source that hands out `bytes` at most `chunk` bytes per read, as a file read in pieces would. */
export function inPieces(bytes: Buffer, chunk: number): ByteSource {
  let at = 0;
  return {
    read(into, offset, length) {
      const n = Math.min(length, chunk, bytes.length - at);
      bytes.copy(into, offset, at, at + n);
      at += n;
      return n;
    },
  };
}

/** The scanner's reading through a window of `chunk` bytes filled `chunk` bytes at a time. */
export function scannedInPieces(bytes: Buffer, name: string, chunk: number): ImportResult | undefined {
  const src = scanCpuProfile(inPieces(bytes, chunk), chunk);
  return src && importCpuProfileSource(src, name);
}

/** Whether the byte lexer reads `input` as one JSON value and nothing after it (through a window of `window` bytes). */
export function lexes(input: Buffer | ByteSource, window?: number): boolean {
  try {
    const j = new JsonBytes(input, window);
    j.skip();
    j.end();
    return true;
  } catch (e) {
    if (e instanceof NotCovered) return false;
    throw e;
  }
}
