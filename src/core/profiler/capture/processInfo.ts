import * as fs from 'node:fs';
import * as path from 'node:path';
import { listeningPortsSync } from '../../collectors/portPid';

/** Where a Node inspector listens. */
export interface InspectorAddress {
  host: string;
  port: number;
}

export type ProcessRuntime = 'node' | 'python' | 'other';

/** A process's arguments from /proc (Linux); undefined when the process is gone or unreadable. */
export function readCmdline(pid: number, procRoot = '/proc'): string[] | undefined {
  try {
    const raw = fs.readFileSync(path.join(procRoot, String(pid), 'cmdline'), 'utf8');
    // Arguments are NUL-terminated, so the split leaves one empty string at the end.
    const args = raw.split('\0');
    if (args[args.length - 1] === '') args.pop();
    return args;
  } catch {
    return undefined;
  }
}

/** Which runtime runs a process, judged from its executable's name. */
export function processRuntime(pid: number, procRoot = '/proc'): ProcessRuntime | undefined {
  let exe: string | undefined;
  try {
    exe = fs.readlinkSync(path.join(procRoot, String(pid), 'exe'));
  } catch {
    exe = readCmdline(pid, procRoot)?.[0];
  }
  if (exe === undefined) return undefined;
  const base = path.basename(exe).toLowerCase();
  if (/^node(js)?(\d+)?(\.exe)?$/.test(base)) return 'node';
  if (/^python(\d+(\.\d+)?)?$/.test(base) || base === 'pypy3' || base === 'pypy') return 'python';
  return 'other';
}

/**
 * The inspector address a Node command line asks for: --inspect, --inspect-brk, --inspect-wait
 * ([=][host:]port) and --inspect-port. Port 0 means "any free port": callers must then look at
 * the process's listening sockets. Undefined when the command line enables no inspector.
 */
export function inspectorFromArgs(args: string[]): InspectorAddress | undefined {
  let enabled = false;
  let host = '127.0.0.1';
  let port = 9229;
  const apply = (value: string) => {
    const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value);
    if (m) {
      if (m[1]) host = m[1].replace(/^\[|\]$/g, '');
      port = Number(m[2]);
    } else if (value) {
      host = value;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // Arguments after the script belong to the script, not to node.
    if (i > 0 && !a.startsWith('-')) break;
    const m = /^--(inspect(?:-brk|-wait)?|inspect-port|debug-port)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    if (m[1] !== 'inspect-port' && m[1] !== 'debug-port') enabled = true;
    if (m[2] !== undefined) apply(m[2]);
  }
  return enabled ? { host, port } : undefined;
}

/**
 * TCP ports a process listens on; undefined when its file descriptors cannot be read (another
 * user's process, no /proc), which the inspector search reports apart from "no ports".
 */
export const listeningPorts: (pid: number, procRoot?: string) => number[] | undefined = listeningPortsSync;
