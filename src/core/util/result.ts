import { UserFileError } from './userFile';

/**
 * Errors are values at boundaries: a collector, importer or loader returns one of these so one
 * broken source never stops the others.
 */
export interface Failure<K extends string = string> {
  kind: K;
  /** What failed, why, and what to do, in words a user can act on. */
  message: string;
  cause?: unknown;
}

export type Result<T, K extends string = string> = { ok: true; value: T } | { ok: false; error: Failure<K> };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<K extends string>(kind: K, message: string, cause?: unknown): { ok: false; error: Failure<K> } {
  return { ok: false, error: { kind, message, cause } };
}

/** An error whose message is meant for the user (CLI prints it, extension shows it). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why a file could not be read or written, in words ("no such file"), instead of Node's "ENOENT: …, open '…'". */
export function fileErrorReason(e: unknown, doing: 'read' | 'write' = 'read'): string {
  // readUserFile's errors already say what the path is and what to do.
  if (e instanceof UserFileError) return e.reason;
  const reasons: Record<string, string> = {
    ENOENT: doing === 'read' ? 'there is no such file' : 'its folder does not exist or cannot hold new files',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder, not a file',
    ENOTDIR: 'a part of the path is not a folder',
  };
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code && reasons[code]) ?? errorMessage(e);
}
