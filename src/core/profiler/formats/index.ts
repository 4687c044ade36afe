import { importCpuProfile, importCpuProfileSource, looksLikeCpuProfile } from './cpuprofile';
import { scanCpuProfile } from './cpuprofileScan';
import { bytesInput, HEAD_BYTES } from './input';
import type { ProfileInput } from './input';
import { decodeText, importFolded, looksLikeFolded } from './folded';
import { importHeapProfile, looksLikeHeapProfile } from './heapprofile';
import { importPprof } from './pprof';
import type { PprofOptions } from './pprof';
import { importPstats, looksLikePstats } from './pstats';
import { importSpeedscope, looksLikeSpeedscope } from './speedscope';
import type { ImportResult, ProfileFormat } from './types';
import { FORMAT_LABELS, invalid } from './types';
import type { Profile } from '../model';
import { profileLimitBytes, profileLimitText, tooLarge } from '../limits';
import { gunzipWithin, isGzip } from '../../util/decompress';
import { errorMessage, fail } from '../../util/result';
import { UserFileError } from '../../util/userFile';
import { formatBytes, formatSpan } from '../../../shared/format';

export type { ImportedProfile, ImportResult, ProfileFormat } from './types';
export type { ProfileInput } from './input';
export { FORMAT_LABELS } from './types';

export interface ImportOptions extends PprofOptions {
  /** Skip detection and read the file as this format. */
  format?: ProfileFormat;
  /** Limit on the file's size after decompression (default DEFAULT_MAX_PROFILE_MB). */
  maxBytes?: number;
}

const SUPPORTED =
  'V8 .cpuprofile, V8 .heapprofile, speedscope JSON, folded stacks, pprof (CPU and heap), Python pstats/cProfile';

function extensionFormat(fileName: string | undefined): ProfileFormat | undefined {
  const f = (fileName ?? '').toLowerCase();
  if (f.endsWith('.cpuprofile')) return 'cpuprofile';
  if (f.endsWith('.heapprofile')) return 'heapprofile';
  if (f.endsWith('.speedscope.json')) return 'speedscope';
  if (/\.(pb|pprof|prof)(\.gz)?$/.test(f)) return 'pprof';
  if (/\.(pstats|cprofile)$/.test(f)) return 'pstats';
  if (/\.(folded|collapsed)$/.test(f)) return 'folded';
  return undefined;
}

/** pstats is a marshalled dict: '{' then a tuple key; JSON's '{' is followed by space or a quote. */
function isMarshalDict(bytes: Buffer): boolean {
  if (!looksLikePstats(bytes)) return false;
  if (bytes[0] === 0xfb) return true;
  const next = bytes[1]! & 0x7f;
  return next === 0x28 || next === 0x29; // '(' or ')'
}

/**
 * Reads any supported profile, detecting its format from the content (the file name only breaks
 * ties). Failures name the format and what is wrong; a gzipped file is inflated once, here, never
 * past the size limit; a valid file whose profile has no samples fails as 'empty'. The bytes are
 * in memory, or an input that reads them (a ProfileFile: only what detection and the format's
 * reader need is read; a read that fails throws its UserFileError).
 */
export function importProfile(bytes: Buffer | ProfileInput, fileName?: string, opts: ImportOptions = {}): ImportResult {
  const input = Buffer.isBuffer(bytes) ? bytesInput(bytes) : bytes;
  const label = fileName ? fileName.split(/[\\/]/).pop()! : undefined;
  const subject = label ?? 'The profile';
  const maxBytes = profileLimitBytes(opts.maxBytes);
  if (input.size > maxBytes)
    return tooLarge(subject, `is ${formatBytes(input.size)}, more than ${profileLimitText(maxBytes)}`);
  const byName = extensionFormat(fileName);
  let data = input;
  const gzipped = isGzip(input.head);
  if (gzipped) {
    const inflated = gunzipWithin(input.whole(), maxBytes);
    if (!inflated.ok) {
      if (inflated.error.kind === 'too-large')
        return tooLarge(subject, `is gzipped and ${inflated.error.message}, ${profileLimitText(maxBytes)}`);
      return invalid(opts.format ?? byName ?? 'pprof', `${inflated.error.message}; the file may be truncated.`);
    }
    data = bytesInput(inflated.value);
  }
  const format = opts.format ?? (gzipped ? detectInflated(data, byName) : detect(data, byName));
  let r: ImportResult;
  try {
    r = importAs(format, data, label, { ...opts, maxBytes });
  } catch (e) {
    // The file could not be read to the end: that is the failure, not the profile's shape.
    if (e instanceof UserFileError) throw e;
    // Every parser validates what it reads; this is the net under a shape none of them foresaw.
    const what = format ? `a ${FORMAT_LABELS[format]} file` : 'a profile';
    return fail(
      'invalid',
      `${subject} could not be read as ${what}: its content has a shape PerfLens does not expect (${errorMessage(e)}). If a profiler wrote it as it is, please report this with the file attached.`,
    );
  }
  if (!r.ok || !r.value.profiles.every(isEmpty)) return r;
  if (r.value.sampleTypes) {
    const type = r.value.profiles[0]?.sampleType?.type ?? 'the chosen sample type';
    return fail(
      'empty',
      `${subject} is a valid ${FORMAT_LABELS[r.value.format]} file, but it holds no sampled ${type}: no allocation was sampled while it was recorded. Record again while the code of interest allocates (put load on the service), or choose another sample type (${r.value.sampleTypes.map((t) => t.type).join(', ')}).`,
    );
  }
  const durationMs = r.value.profiles[0]?.durationMs;
  const span = durationMs ? ` in ${formatSpan(durationMs)}` : '';
  return fail(
    'empty',
    `${subject} is a valid ${FORMAT_LABELS[r.value.format]} file, but the profile has no samples${span}: nothing ran on the CPU while it was recorded. Record again while the code of interest is busy (put load on the service).`,
  );
}

function isEmpty(p: Profile): boolean {
  return p.sampleCount === 0 && !((p.totalMs ?? 0) > 0);
}

function importAs(
  format: ProfileFormat | undefined,
  input: ProfileInput,
  label: string | undefined,
  opts: ImportOptions,
): ImportResult {
  switch (format) {
    case 'pprof':
      return importPprof(input.whole(), opts, label);
    case 'pstats':
      return importPstats(input.whole(), label);
    case 'folded':
      return importFolded(decodeText(input.whole()), label);
    case 'heapprofile': {
      const json = parseJson(input.whole());
      return json.ok ? importHeapProfile(json.value, opts.sampleType, label) : invalid('heapprofile', json.message);
    }
    case 'cpuprofile':
    case 'speedscope': {
      // A .cpuprofile is scanned as it is read; only shapes the scanner leaves alone are parsed whole.
      const scanned = format === 'cpuprofile' ? scanCpuProfile(input.stream(), input.windowBytes) : undefined;
      if (scanned) return importCpuProfileSource(scanned, label);
      const json = parseJson(input.whole());
      if (!json.ok) return invalid(format, json.message);
      if (format === 'cpuprofile')
        return looksLikeCpuProfile(json.value)
          ? importCpuProfile(json.value, label)
          : invalid('cpuprofile', 'it has no "nodes" (or legacy "head") and "samples".');
      return looksLikeSpeedscope(json.value)
        ? importSpeedscope(json.value)
        : invalid('speedscope', 'it has no "shared.frames" and "profiles".');
    }
    case undefined:
      break;
  }
  // JSON of a shape we do not know, or text/binary that fits nothing.
  const text = input.head.subarray(0, 4096);
  const trimmed = decodeText(text).trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJson(input.whole());
    if (!json.ok)
      return fail(
        'unrecognized',
        `The file looks like JSON but does not parse (${json.message}). Supported formats: ${SUPPORTED}.`,
      );
    return fail(
      'unrecognized',
      `This JSON is not a profile PerfLens knows: no "nodes"/"samples" (V8 .cpuprofile) and no "shared"/"profiles" (speedscope). Supported formats: ${SUPPORTED}.`,
    );
  }
  return fail(
    'unrecognized',
    `Could not recognise the profile format${label ? ` of ${label}` : ''}. Supported formats: ${SUPPORTED}.`,
  );
}

/** A gzipped file's format: JSON profiles are sometimes gzipped, and everything else gzipped is pprof. */
function detectInflated(data: ProfileInput, byName: ProfileFormat | undefined): ProfileFormat | undefined {
  const head = decodeText(data.head.subarray(0, 64)).trimStart();
  if (!head.startsWith('{')) return 'pprof';
  if (byName === 'speedscope' || byName === 'cpuprofile') return byName;
  return jsonKind(data);
}

function detect(input: ProfileInput, byName: ProfileFormat | undefined): ProfileFormat | undefined {
  if (input.size === 0) return byName;
  const bytes = input.head;
  if (isMarshalDict(bytes)) return 'pstats';
  const start = decodeText(bytes.subarray(0, 4096)).trimStart();
  if (start.startsWith('{')) return jsonKind(input) ?? byName;
  // Not JSON, not pstats: a file named for a format is read as that format. Folded stacks have no
  // signature, only lines of a likely shape, a guess that must not overrule the name (a .cpuprofile
  // whose first byte was lost, say, is refused as a broken .cpuprofile).
  if (byName !== undefined && byName !== 'folded') return byName;
  return looksLikeFolded(decodeText(bytes.subarray(0, HEAD_BYTES))) ? 'folded' : byName;
}

/** Which JSON profile this is, judged from the keys near the start (no full parse). */
function jsonKind(input: ProfileInput): ProfileFormat | undefined {
  const head = input.head.subarray(0, 4096).toString('utf8');
  if (/"\$schema"\s*:\s*"[^"]*speedscope/.test(head) || /"shared"\s*:/.test(head)) return 'speedscope';
  if (/"head"\s*:/.test(head) && /"selfSize"\s*:/.test(head)) return 'heapprofile';
  if (/"nodes"\s*:|"head"\s*:|"samples"\s*:|"timeDeltas"\s*:/.test(head)) return 'cpuprofile';
  // Keys may come later in a big file: fall back to a full parse.
  const json = parseJson(input.whole());
  if (!json.ok) return undefined;
  if (looksLikeSpeedscope(json.value)) return 'speedscope';
  if (looksLikeHeapProfile(json.value)) return 'heapprofile';
  if (looksLikeCpuProfile(json.value)) return 'cpuprofile';
  return undefined;
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(decodeText(bytes)) };
  } catch (e) {
    return { ok: false, message: `it is not valid JSON (${errorMessage(e)}).` };
  }
}
