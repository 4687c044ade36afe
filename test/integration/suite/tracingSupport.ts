import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { httpRequest } from '../../../src/core/util/http';
import { freePort } from '../../helpers/freePort';
import { demoDir } from './profileSupport';
import { waitFor } from './liveSupport';

/**
 * Starts the built demo through *Start Service with Tracing…* on a free port and waits until it
 * answers: the command's terminal (dispose it when done) and the demo's base URL.
 */
export async function startTracedDemo(): Promise<{ terminal: vscode.Terminal | undefined; base: string }> {
  const port = await freePort();
  const server = path.join(demoDir(), 'dist', 'server.js');
  const terminal = await vscode.commands.executeCommand<vscode.Terminal | undefined>(
    COMMANDS.startServiceWithTracing,
    `node "${server}" --host 127.0.0.1 --port ${port} --traffic=false`,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'the traced demo to answer',
    async () => {
      const r = await httpRequest(`${base}/status`, { timeoutMs: 2000 });
      return r.ok && r.value.status === 200 ? true : undefined;
    },
    90_000,
  );
  return { terminal, base };
}
