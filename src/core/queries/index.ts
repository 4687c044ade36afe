/**
 * The slow-query advisor's public surface, for the CLI and the editor: find SQL in source, load the
 * workspace's SQLite file, explain statements into findings, prove index advice, join runtime timings.
 */
export { adviseStatements, hasFindingOf } from './advisor';
export type { AdviseOptions, StatementInput } from './advisor';
export { findDatabaseFiles, loadDatabaseFile, DEFAULT_MAX_DATABASE_BYTES } from './database';
export type { DatabaseFailureKind, LoadedDatabase, SchemaInfo, TableInfo, IndexInfo } from './database';
export { extractStatements, languageOf } from './extract';
export { DEFAULT_MIN_ROWS } from './findings';
export { formatPlan, buildPlanTree } from './plan';
export { runtimeFromFamilies, runtimeFromQueryStats } from './runtime';
export type { RuntimeIndex } from './runtime';
export { DEFAULT_IGNORED_DIRS, ExtractionCache, scanWorkspace, listSourceFiles } from './workspace';
export type { ScanOptions, ScanResult } from './workspace';
export type { WhatIfOptions } from './whatIf';
export * from './types';
