/** The history's tables, and the marks that make a file recognisably PerfLens's own. */
import type { Database } from '../util/sqljs';
import { ensureAlertSchema } from './alerts';
import { HISTORY_APPLICATION_ID, HISTORY_SCHEMA_VERSION } from './dbFile';

const SCHEMA = `
PRAGMA application_id = ${HISTORY_APPLICATION_ID};
PRAGMA user_version = ${HISTORY_SCHEMA_VERSION};
CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, target TEXT NOT NULL, name TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (target, name, labels));
CREATE TABLE IF NOT EXISTS raw (series INTEGER NOT NULL, t INTEGER NOT NULL, value REAL, hist TEXT, PRIMARY KEY (series, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_1m (series INTEGER NOT NULL, t INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, n INTEGER, hist TEXT, PRIMARY KEY (series, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_1h (series INTEGER NOT NULL, t INTEGER NOT NULL, vmin REAL, vmax REAL, vsum REAL, n INTEGER, hist TEXT, PRIMARY KEY (series, t)) WITHOUT ROWID;
`;

/** Marks `db` as a PerfLens history and creates the tables it lacks. */
export function ensureHistorySchema(db: Database): void {
  db.exec(SCHEMA);
  ensureAlertSchema(db);
}
