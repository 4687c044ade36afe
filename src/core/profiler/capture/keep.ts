/**
 * What becomes of a recorded profile, the same for every way of recording (inspector, Go pprof over
 * HTTP, py-spy) and for the CLI and the editor alike: a file is left behind only when it holds a
 * profile with samples. A capture of an idle process, or one that does not read as a profile,
 * leaves nothing and says why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProfile } from '../formats/index';
import type { Result } from '../../util/result';
import { fail, fileErrorReason, ok } from '../../util/result';
import { formatSpan } from '../../../shared/format';

export type KeepFailureKind = 'no-samples' | 'not-a-profile' | 'write';

export interface CaptureFacts {
  /** How long the capture sampled. */
  durationMs: number;
  /** Who answered, for messages: "the Go service at 127.0.0.1:6060", "py-spy". */
  source: string;
  /** A heap capture: "no samples" then means no allocation was sampled. */
  heap?: boolean;
  /** The profile size limit (LoadOptions.maxBytes). */
  maxBytes?: number;
}

/** Checks recorded bytes before anything is written: samples, or a failure saying why not. */
export function checkCapture(bytes: Buffer, fileName: string, facts: CaptureFacts): Result<void, KeepFailureKind> {
  const r = importProfile(bytes, fileName, { maxBytes: facts.maxBytes });
  if (r.ok) return ok(undefined);
  if ((r.error.kind === 'empty' || bytes.length === 0) && facts.heap) {
    return fail(
      'no-samples',
      `No samples in ${formatSpan(facts.durationMs)}: ${facts.source} answered with a heap profile in which no allocation was sampled (the process allocated little, or nothing it allocated stayed alive). No file was written. Put load on the service while recording, or record for longer.`,
    );
  }
  if (r.error.kind === 'empty' || bytes.length === 0) {
    return fail(
      'no-samples',
      `No samples in ${formatSpan(facts.durationMs)}: ${facts.source} answered with a profile that has no samples, so the process ran nothing on the CPU while it was recorded (it was idle). No file was written. Put load on the service while recording, or record for longer.`,
    );
  }
  return fail(
    'not-a-profile',
    `${facts.source} answered, but not with a profile PerfLens can read, so no file was written: ${r.error.message}`,
  );
}

/** Writes recorded bytes to `file` once they hold a profile with samples; otherwise writes nothing. */
export async function keepCapture(
  bytes: Buffer,
  file: string,
  facts: CaptureFacts,
): Promise<Result<void, KeepFailureKind>> {
  const checked = checkCapture(bytes, path.basename(file), facts);
  if (!checked.ok) return checked;
  try {
    await fs.promises.writeFile(file, bytes);
    return ok(undefined);
  } catch (e) {
    return fail(
      'write',
      `The profile was recorded but could not be written to ${file}: ${fileErrorReason(e, 'write')}.`,
    );
  }
}

/** For recorders that write the file themselves (py-spy): the same check, removing the file when it fails. */
export async function keepRecordedFile(file: string, facts: CaptureFacts): Promise<Result<void, KeepFailureKind>> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (e) {
    return fail(
      'not-a-profile',
      `${facts.source} finished, but its output ${file} cannot be read: ${fileErrorReason(e)}.`,
    );
  }
  const checked = checkCapture(bytes, path.basename(file), facts);
  if (!checked.ok) await fs.promises.rm(file, { force: true });
  return checked;
}
