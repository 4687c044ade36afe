import { Profile as PprofProfile, Sample as PprofSample } from 'pprof-format';
import { StackTreeBuilder } from '../builder';
import { isHeapSampleType } from '../model';
import type { ImportResult } from './types';
import { invalid } from './types';
import { countPprofRecords } from './protobufScan';
import { pprofRecordLimit, profileLimitBytes, profileLimitText, tooLarge } from '../limits';
import { gunzipWithin, isGzip } from '../../util/decompress';
import { errorMessage, ok } from '../../util/result';

export interface PprofOptions {
  /**
   * Sample type to weigh by, e.g. "cpu", "alloc_space"; default cpu/nanoseconds when present, else
   * the type the profile names as its default, else inuse_space (a heap profile), else the last.
   */
  sampleType?: string;
  /** Size limit after decompression; it also bounds the records decoded (see limits.ts). */
  maxBytes?: number;
}

const NS_PER_UNIT: Record<string, number> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };

/**
 * pprof-format 2.2 replaces a sample's location ids and values on every occurrence of the field,
 * so profiles that write them unpacked (one varint per field, as Go 1.10 did) keep only the last
 * value. Protobuf says repeated occurrences concatenate; this makes Sample decoding do that.
 */
let samplePatched = false;
function concatenateRepeatedSampleFields(): void {
  if (samplePatched) return;
  samplePatched = true;
  const original = PprofSample.decodeValue.bind(PprofSample);
  PprofSample.decodeValue = (data, field, buffer) => {
    const before = field === 1 ? data.locationId : field === 2 ? data.value : undefined;
    original(data, field, buffer);
    if (before && before.length) {
      if (field === 1) data.locationId = before.concat(data.locationId ?? []);
      else data.value = before.concat(data.value ?? []);
    }
  };
}

/** A protobuf int64 as a number: the decoder hands negative values over as unsigned 64-bit bigints. */
function int64(v: number | bigint | undefined): number {
  if (v === undefined) return 0;
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v;
}

/**
 * Imports a pprof profile (gzipped or raw protobuf) decoded by pprof-format. Stacks are
 * functions, inlined frames included; the leaf location's line gets the per-line self weight.
 */
export function importPprof(bytes: Buffer, opts: PprofOptions = {}, label = 'The pprof profile'): ImportResult {
  const maxBytes = profileLimitBytes(opts.maxBytes);
  let raw: Buffer = bytes;
  if (isGzip(bytes)) {
    const inflated = gunzipWithin(bytes, maxBytes);
    if (!inflated.ok)
      return inflated.error.kind === 'too-large'
        ? tooLarge(label, `is gzipped and ${inflated.error.message}, ${profileLimitText(maxBytes)}`)
        : invalid('pprof', `${inflated.error.message}; the file may be truncated.`);
    raw = inflated.value;
  }
  // Count records before decoding them: a few bytes each on the wire, far more once decoded.
  const counted = countPprofRecords(raw);
  if (!counted.ok) return invalid('pprof', `${counted.error.message}; expected a gzipped or raw pprof protobuf.`);
  const records = counted.value.samples + counted.value.locations + counted.value.functions;
  const recordLimit = pprofRecordLimit(maxBytes);
  if (records > recordLimit)
    return tooLarge(
      label,
      `holds ${records.toLocaleString('en-US')} samples, locations and functions, more than the ${recordLimit.toLocaleString('en-US')} that ${profileLimitText(maxBytes)} allows (one per 128 bytes)`,
    );
  let decoded: PprofProfile;
  concatenateRepeatedSampleFields();
  try {
    decoded = PprofProfile.decode(raw);
  } catch (e) {
    return invalid('pprof', `could not decode it (${errorMessage(e)}); expected a gzipped or raw pprof protobuf.`);
  }
  let stackEntries = 0;
  for (const s of decoded.sample) stackEntries += s.locationId.length;
  if (stackEntries > recordLimit)
    return tooLarge(
      label,
      `has ${stackEntries.toLocaleString('en-US')} stack entries, more than the ${recordLimit.toLocaleString('en-US')} that ${profileLimitText(maxBytes)} allows (one per 128 bytes)`,
    );
  const str = (i: unknown): string => decoded.stringTable.strings[Number(i)] ?? '';
  const types = decoded.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  if (types.length === 0) return invalid('pprof', 'it declares no sample types.');
  let chosen: number;
  if (opts.sampleType) {
    chosen = types.findIndex((t) => t.type === opts.sampleType || `${t.type}/${t.unit}` === opts.sampleType);
    if (chosen < 0)
      return invalid(
        'pprof',
        `it has no sample type "${opts.sampleType}" (it has ${types.map((t) => `${t.type}/${t.unit}`).join(', ')}).`,
      );
  } else {
    chosen = types.findIndex((t) => t.type === 'cpu' && t.unit === 'nanoseconds');
    if (chosen < 0 && Number(decoded.defaultSampleType) > 0)
      chosen = types.findIndex((t) => t.type === str(decoded.defaultSampleType));
    if (chosen < 0) chosen = types.findIndex((t) => t.type === 'inuse_space');
    if (chosen < 0) chosen = types.length - 1;
  }
  const nsPer = NS_PER_UNIT[types[chosen]!.unit];
  const countIdx = types.findIndex((t) => t.type === 'samples' && t.unit === 'count');
  const withTime = nsPer !== undefined;

  const b = new StackTreeBuilder(withTime);
  const fnFrame = new Map<string, number>();
  for (const f of decoded.function) {
    fnFrame.set(
      String(f.id),
      b.frameId({
        name: str(f.name) || str(f.systemName) || `(function ${String(f.id)})`,
        file: str(f.filename),
        line: Number(f.startLine) || 0,
        column: 0,
      }),
    );
  }
  // Per location: its frames root first (inlined callers before callees) and its leaf line.
  const locFrames = new Map<string, { frames: number[]; leafLine: number }>();
  for (const loc of decoded.location) {
    const frames: number[] = [];
    for (let k = loc.line.length - 1; k >= 0; k--) {
      const id = fnFrame.get(String(loc.line[k]!.functionId));
      if (id !== undefined) frames.push(id);
    }
    if (frames.length === 0)
      frames.push(b.frameId({ name: `0x${BigInt(loc.address).toString(16)}`, file: '', line: 0, column: 0 }));
    locFrames.set(String(loc.id), { frames, leafLine: loc.line.length ? Number(loc.line[0]!.line) : 0 });
  }
  const stack: number[] = [];
  for (const [s, sample] of decoded.sample.entries()) {
    stack.length = 0;
    for (let k = sample.locationId.length - 1; k >= 0; k--) {
      const loc = locFrames.get(String(sample.locationId[k]));
      if (!loc)
        return invalid(
          'pprof',
          `sample ${s} refers to location ${String(sample.locationId[k])}, which is not in the profile.`,
        );
      for (const f of loc.frames) stack.push(f);
    }
    const value = int64(sample.value[chosen]);
    const samples = withTime ? (countIdx >= 0 ? int64(sample.value[countIdx]) : 1) : value;
    if (!(value >= 0 && samples >= 0))
      return invalid(
        'pprof',
        `sample ${s} has a negative value (${value}); a pprof difference (-diff_base) is not a profile PerfLens reads.`,
      );
    const timeMs = withTime ? (value * nsPer!) / 1e6 : 0;
    b.addStack(stack, samples, timeMs);
    const leaf = sample.locationId.length ? locFrames.get(String(sample.locationId[0]))! : undefined;
    if (leaf && leaf.leafLine > 0)
      b.addLine(stack[stack.length - 1]!, leaf.leafLine, samples, withTime ? timeMs : null);
  }
  const durationNs = Number(decoded.durationNanos);
  const t = types[chosen]!;
  const heap = types.some(isHeapSampleType);
  const profile = b.finish(
    `${t.type}/${t.unit}`,
    true,
    durationNs > 0 ? durationNs / 1e6 : null,
    isHeapSampleType(t) ? t : undefined,
  );
  return ok({
    format: 'pprof',
    profiles: [profile],
    activeIndex: 0,
    ...(heap ? { sampleTypes: types.filter(isHeapSampleType) } : {}),
    warnings: [],
  });
}
