/** The PostgreSQL dialect of the slow-query advisor: connection, plans, findings, HypoPG proof, pg_stat_statements. */
export { advisePgStatements, pgTextOf } from './advisor';
export type { PgAdviseOptions } from './advisor';
export { connectPg, describePgError, maskPgUrl, parsePgUrl } from './connection';
export type { PgConnectOptions, PgFailureKind, PgSession, PgTarget } from './connection';
export { hypopgAvailability } from './hypopg';
export { readStatStatements, runtimeFromStatStatements } from './statStatements';
export type { PgStatRow } from './statStatements';
