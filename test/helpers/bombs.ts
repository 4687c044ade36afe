/**
 * Decompression bombs and edge-case profiles, built on the fly (nothing big is committed).
 *
 * A gzip file may hold several members, and gunzip inflates them one after another into one
 * stream; a member of 1 MiB of spaces compresses to about 1 KB, so repeating it makes a file of a
 * few megabytes that inflates to gigabytes, in milliseconds and without writing the gigabytes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

const MiB = 1024 * 1024;
let spaceMember: Buffer | undefined;

/** One gzip member inflating to 1 MiB of spaces (whitespace is valid JSON padding). */
function spacesMember(): Buffer {
  return (spaceMember ??= zlib.gzipSync(Buffer.alloc(MiB, 0x20), { level: 9 }));
}

/** A gzip file: `prefix`, then `innerMiB` MiB of `filler` members, then `suffix`. */
export function gzipBomb(
  innerMiB: number,
  prefix: string | Buffer = '',
  suffix: string | Buffer = '',
  filler: Buffer = spacesMember(),
): Buffer {
  const parts: Buffer[] = [];
  if (prefix.length) parts.push(zlib.gzipSync(prefix));
  for (let i = 0; i < innerMiB; i++) parts.push(filler);
  if (suffix.length) parts.push(zlib.gzipSync(suffix));
  return Buffer.concat(parts);
}

/** A gzipped .cpuprofile that inflates to `innerMiB` MiB (3 GiB by default, about 3 MB on disk). */
export function cpuprofileBomb(innerMiB = 3 * 1024): Buffer {
  return gzipBomb(innerMiB, '{"nodes":[', '],"samples":[]}');
}

/** The profile header a Go CPU profile starts with: samples/count and cpu/nanoseconds, period 10 ms. */
function goCpuProfile(fields: { durationNanos: number; withStack: boolean }): Profile {
  const st = new StringTable();
  const stack = fields.withStack
    ? {
        function: [
          new PFunction({
            id: 1,
            name: st.dedup('main.spin'),
            systemName: st.dedup('main.spin'),
            filename: st.dedup('/src/app/main.go'),
            startLine: 3,
          }),
        ],
        location: [new Location({ id: 1, address: 0x1000, line: [new Line({ functionId: 1, line: 5 })] })],
      }
    : {};
  return new Profile({
    sampleType: [
      new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }),
      new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    ],
    ...stack,
    stringTable: st,
    timeNanos: 1_700_000_000_000_000_000,
    durationNanos: fields.durationNanos,
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    period: 10_000_000,
  });
}

/**
 * What Go's /debug/pprof/profile answers for a process that was idle the whole time: a valid,
 * gzipped profile with its sample types and duration, and no samples or locations at all.
 */
export function emptyGoPprof(seconds = 10): Buffer {
  return zlib.gzipSync(Buffer.from(goCpuProfile({ durationNanos: seconds * 1e9, withStack: false }).encode()));
}

/**
 * A valid gzipped pprof holding `innerMiB` MiB of samples (about 87,000 per MiB, each 10 ms on
 * location 1): the protobuf header, then Sample fields appended on the wire (repeated fields
 * concatenate), spread over gzip members that each inflate to 1 MiB of whole samples.
 */
export function pprofBomb(innerMiB: number): Buffer {
  const header = Buffer.from(goCpuProfile({ durationNanos: 10e9, withStack: true }).encode());
  const sample = Buffer.from(new Sample({ locationId: [1], value: [1, 10_000_000] }).encode());
  // Profile field 2 (sample), wire type 2: tag 0x12, the length, the message.
  const field = Buffer.concat([Buffer.from([0x12, sample.length]), sample]);
  const perMember = Math.floor(MiB / field.length);
  const member = zlib.gzipSync(Buffer.concat(Array.from({ length: perMember }, () => field)), { level: 9 });
  return gzipBomb(innerMiB, header, '', member);
}

/** Samples `pprofBomb(innerMiB)` holds. */
export function pprofBombSamples(innerMiB: number): number {
  const sample = Buffer.from(new Sample({ locationId: [1], value: [1, 10_000_000] }).encode());
  return Math.floor(MiB / (sample.length + 2)) * innerMiB;
}

let dir: string | undefined;

/** A temp folder for bomb files, made once per test run and removed when the process exits. */
export function bombDir(): string {
  if (!dir) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-bombs-'));
    dir = made;
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

const written = new Map<string, string>();

/** Writes a bomb file into bombDir() once per run and returns its path. */
export function bombFile(name: string, build: () => Buffer): string {
  let file = written.get(name);
  if (!file) {
    file = path.join(bombDir(), name);
    fs.writeFileSync(file, build());
    written.set(name, file);
  }
  return file;
}
