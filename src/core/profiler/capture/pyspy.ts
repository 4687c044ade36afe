import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Result } from '../../util/result';
import { fail, ok } from '../../util/result';

export type PySpyFailureKind = 'py-spy-missing' | 'permission' | 'failed' | 'cancelled';

export interface PySpyOptions {
  pid: number;
  durationSeconds: number;
  outFile: string;
  format?: 'raw' | 'speedscope';
  /** Samples per second (py-spy's default is 100). */
  rate?: number;
  /** PATH to look py-spy up in (default: this process's PATH). */
  pathEnv?: string;
  signal?: AbortSignal;
}

/** How to profile a Python service without py-spy: cProfile files PerfLens imports directly. */
export const CPROFILE_INSTRUCTIONS = [
  'py-spy is not on PATH, so PerfLens cannot sample the running Python process.',
  'Either install py-spy (pip install py-spy) and try again, or write a cProfile file and open it with PerfLens:',
  '  • whole program:   python -m cProfile -o profile.pstats your_app.py',
  '  • one code path:   import cProfile; pr = cProfile.Profile(); pr.enable(); … ; pr.disable(); pr.dump_stats("profile.pstats")',
  'then: perflens profile summarize profile.pstats (or PerfLens: Import Profile… in the editor).',
].join('\n');

/** The first executable called `name` on a PATH string. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const PTRACE_HINT =
  'py-spy needs ptrace rights over the target process. Run it as the same user with ptrace allowed ' +
  '(sudo sysctl kernel.yama.ptrace_scope=0), run PerfLens with sudo, or in a container add the SYS_PTRACE capability (docker run --cap-add SYS_PTRACE).';

/**
 * Records a Python process with `py-spy record` into outFile (raw folded stacks or speedscope
 * JSON, both importable). Without py-spy the failure carries cProfile instructions instead.
 */
export function recordWithPySpy(opts: PySpyOptions): Promise<Result<string, PySpyFailureKind>> {
  const exe = findOnPath('py-spy', opts.pathEnv);
  if (!exe) return Promise.resolve(fail('py-spy-missing', CPROFILE_INSTRUCTIONS));
  const args = [
    'record',
    '--pid',
    String(opts.pid),
    '--duration',
    String(Math.max(1, Math.round(opts.durationSeconds))),
    '--output',
    opts.outFile,
    '--format',
    opts.format ?? 'raw',
    '--nonblocking',
  ];
  if (opts.rate) args.push('--rate', String(opts.rate));
  return new Promise((resolve) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer) => (output = (output + c.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = () => child.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => resolve(fail('failed', `Could not run ${exe}: ${e.message}`)));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return resolve(fail('cancelled', 'The py-spy recording was cancelled.'));
      if (code === 0 && fs.existsSync(opts.outFile)) return resolve(ok(opts.outFile));
      const text = output.trim();
      if (/permission denied|operation not permitted|ptrace|EPERM|root/i.test(text)) {
        return resolve(
          fail('permission', `py-spy could not attach to process ${opts.pid}: ${lastLine(text)}\n${PTRACE_HINT}`),
        );
      }
      resolve(fail('failed', `py-spy exited with code ${code}: ${lastLine(text) || 'no output'}`));
    });
  });
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines[lines.length - 1]?.trim() ?? '';
}
