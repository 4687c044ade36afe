/**
 * Worker-thread entry (bundled to dist/query-worker.js): holds the user's database in sql.js and
 * explains statements (and runs their what-ifs) off the caller's thread, so a statement that runs
 * for minutes never blocks the editor or the CLI's own timers. See queryWorkerClient.ts.
 */
import { parentPort } from 'node:worker_threads';
import { adviseStatements } from './advisor';
import type { LoadedDatabase } from './database';
import { loadDatabaseFile } from './database';
import { errorMessage } from '../util/result';
import type { QueryWorkerMessage, QueryWorkerRequest } from './queryWorkerClient';

let loaded: LoadedDatabase | undefined;

function post(m: QueryWorkerMessage): void {
  parentPort!.postMessage(m);
}

async function handle(req: QueryWorkerRequest): Promise<void> {
  if (req.type === 'open') {
    loaded?.close();
    loaded = undefined;
    const r = await loadDatabaseFile(req.path, req.maxBytes === undefined ? {} : { maxBytes: req.maxBytes });
    if (!r.ok) return post({ type: 'opened', ok: false, error: { kind: r.error.kind, message: r.error.message } });
    loaded = r.value;
    return post({
      type: 'opened',
      ok: true,
      database: {
        path: r.value.path,
        bytes: r.value.bytes,
        tables: r.value.schema.tables.length,
        notes: r.value.notes,
      },
    });
  }
  if (!loaded)
    return post({ type: 'failed', error: { kind: 'internal', message: 'No database is open in the query worker.' } });
  adviseStatements(loaded, req.inputs, {
    whatIf: req.whatIf,
    minRows: req.minRows,
    onExplained: (index, report) => post({ type: 'explained', index, report }),
    onReport: (index, report) => post({ type: 'report', index, report }),
  });
  post({ type: 'done' });
}

parentPort?.on('message', (req: QueryWorkerRequest) => {
  handle(req).catch((e: unknown) =>
    post({ type: 'failed', error: { kind: 'internal', message: `The query worker failed: ${errorMessage(e)}` } }),
  );
});
