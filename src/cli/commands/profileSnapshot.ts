import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO } from '../io';
import { EXIT_OK } from '../io';
import { table } from './profileShared';
import { formatBytes, plural } from '../../shared/format';
import { summarizeHeapSnapshotFile } from '../../core/profiler/heapsnapshot/summary';
import { UserError } from '../../core/util/result';
import { openRegularFileSync } from '../../core/util/userFile';

/** Whether a file is a V8 heap snapshot: by its name, or by the header it starts with. */
export function isHeapSnapshotFile(file: string): boolean {
  if (file.toLowerCase().endsWith('.heapsnapshot')) return true;
  let fd: number | undefined;
  try {
    // A named pipe or a device is not a snapshot; the profile reader refuses it with the reason.
    fd = openRegularFileSync(file, 'profile');
    const head = Buffer.alloc(64);
    const n = fs.readSync(fd, head, 0, 64, 0);
    return /^\s*\{\s*"snapshot"\s*:\s*\{\s*"meta"/.test(head.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** `perflens profile summarize FILE.heapsnapshot`: retained size by constructor and the largest retainers. */
export function summarizeSnapshotForCli(
  io: CliIO,
  file: string,
  opts: { top: number; json: boolean; maxBytes?: number },
): number {
  const abs = path.resolve(io.cwd, file);
  const r = summarizeHeapSnapshotFile(abs, { top: opts.top, maxBytes: opts.maxBytes });
  if (!r.ok) throw new UserError(r.error.message);
  const s = r.value;
  if (opts.json) {
    io.out(JSON.stringify({ format: 'heapsnapshot', ...s }, null, 2));
    return EXIT_OK;
  }
  io.out(
    `V8 .heapsnapshot · ${plural(s.nodeCount, 'object')} · ${plural(s.edgeCount, 'reference')} · ${formatBytes(s.totalSize)} reachable`,
  );
  io.out('');
  io.out('Retained size by constructor:');
  const rows = [['retained', 'self', 'count', 'constructor']];
  for (const c of s.byConstructor)
    rows.push([formatBytes(c.retainedSize), formatBytes(c.selfSize), c.count.toLocaleString('en-US'), c.name]);
  io.out(table(rows, [0, 1, 2]));
  io.out('');
  io.out('Largest retainers:');
  const big = [['retained', 'self', 'object', 'id']];
  for (const o of s.largest)
    big.push([
      formatBytes(o.retainedSize),
      formatBytes(o.selfSize),
      o.name && o.name !== o.className ? `${o.className} ${o.name}` : o.className,
      `@${o.id}`,
    ]);
  io.out(table(big, [0, 1]));
  return EXIT_OK;
}
