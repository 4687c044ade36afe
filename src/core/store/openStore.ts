/** Opening the history: its file (if any), the SQLite engine, and the store over them. */
import { systemClock } from '../util/clock';
import type { Result } from '../util/result';
import { errorMessage, fail, fileErrorReason, ok } from '../util/result';
import { loadSqlJs } from '../util/sqljs';
import { HistoryFileRefused, openDatabaseFile } from './dbFile';
import { HistoryStore } from './history';
import { HistoryFile } from './historyFile';
import type { HistoryStoreOptions } from './storeTypes';

/**
 * Opens (or creates) the history. A damaged history of PerfLens's own is moved aside and reported
 * in `store.movedAside`; any other existing file (another program's database, a newer PerfLens's
 * history, one another program has changes pending in) is refused ('refused') and left untouched;
 * a path that is not a readable regular file is an 'io' failure.
 */
export async function openHistoryStore(
  opts: HistoryStoreOptions = {},
): Promise<Result<HistoryStore, 'io' | 'wasm' | 'refused'>> {
  let SQL;
  try {
    SQL = await loadSqlJs();
  } catch (e) {
    return fail('wasm', `Could not load the SQLite engine (sql-wasm.wasm): ${errorMessage(e)}`, e);
  }
  try {
    const opened = await openDatabaseFile(SQL, opts.file, (opts.clock ?? systemClock).now(), opts.lock);
    const file = opts.file ? new HistoryFile(opts.file, SQL, opened.fingerprint, opts.lock) : undefined;
    return ok(new HistoryStore(opened.db, opts, opened.movedAside, file));
  } catch (e) {
    if (e instanceof HistoryFileRefused) return fail('refused', e.message.replace(/\.?$/, '.'), e);
    return fail('io', `Could not open the metric history ${opts.file}: ${fileErrorReason(e)}.`, e);
  }
}
