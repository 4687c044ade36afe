import * as fs from 'node:fs';
import * as path from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CliCommand } from '../command';
import { durationFlag, flagString, parseArgs, refuseFlags } from '../args';
import { EXIT_OK } from '../io';
import { DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS } from '../../core/insights/envelope';
import { maskPgUrl, parsePgUrl } from '../../core/queries/postgres/connection';
import { openHistoryStore } from '../../core/store';
import { UserError } from '../../core/util/result';
import { McpInsightSource } from '../mcp/source';
import { createMcpServer } from '../mcp/server';
import { PROFILE_SIZE_FLAG, PROFILE_SIZE_USAGE, profileSizeLimit } from './profileShared';
import { TARGET_FLAGS, TARGET_USAGE, intervalFlag, sessionFromArgs } from './report';

const USAGE = `Usage: perflens mcp [--url URL] [--profile FILE] [--workspace DIR] [--db FILE | --postgres URL] [--allow-actions] [options]

Serves PerfLens to AI assistants over the Model Context Protocol on stdin/stdout (an MCP client
starts it; stdout carries only the protocol, messages go to stderr). Tools:
  perflens_status          health, rates, latency per route, pools, caches, CPU, memory (the fields
                           of perflens report --json) over the snapshots collected since start
  perflens_diagnose        ranked findings with evidence and advice (perflens analyze --json's)
  perflens_hot_functions   the loaded profile's heaviest functions (perflens profile summarize --json's)
  perflens_slow_queries    the SQL in --workspace explained on --db, or on --postgres with index advice
                           proven by HypoPG (perflens explain [--postgres URL --what-if] --json's)
  perflens_record_profile  action: record a CPU profile of the service's process and load it
  perflens_explain         action: explain one statement on an in-memory copy of --db (or on --postgres)
Resources: ${'perflens://report/latest'} (the status) and ${'perflens://profile/summary'} (the loaded profile).

Every result is marked as data from the service, not instructions, with control characters shown
as \\uXXXX, and is at most --max-result-chars long (what was cut is named in "truncated").
The actions run only when started with --allow-actions: MCP has no way for a server to ask the
user first, and whether a client asks before a call is up to the client.

${TARGET_USAGE}
  --interval D            time between collections (default 2s)
  --window D              how much recent history status and diagnose may cover (default 1h)
  --history FILE          also record the snapshots into this PerfLens history file
  --profile FILE          a CPU profile to answer perflens_hot_functions from
  --workspace DIR         the source folder whose SQL perflens_slow_queries explains
  --db FILE               the SQLite database to explain on (default: the first under --workspace)
  --postgres URL          explain on this PostgreSQL server instead, as perflens explain --postgres
                          does: postgresql://user@host:port/db (the password from PGPASSWORD when the
                          URL has none), a read-only session per call, loopback only unless
                          --allow-remote
  --allow-actions         offer perflens_record_profile and perflens_explain
  --max-result-chars N    default size of one result (default ${DEFAULT_MAX_CHARS}, ${MIN_MAX_CHARS} to ${MAX_MAX_CHARS}); a
                          call's maxChars input wins
${PROFILE_SIZE_USAGE}

Exit codes: 0 the client closed the connection, 2 bad usage.`;

function charsFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < MIN_MAX_CHARS || n > MAX_MAX_CHARS)
    throw new UserError(
      `--max-result-chars must be a whole number from ${MIN_MAX_CHARS} to ${MAX_MAX_CHARS}, not "${text}".`,
    );
  return n;
}

export const mcpCommand: CliCommand = {
  path: ['mcp'],
  summary: 'Serve status, diagnosis, hot functions and slow queries to AI assistants (MCP over stdio)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: [
        ...TARGET_FLAGS.filter((f) => f !== 'duration'),
        'window',
        'history',
        'profile',
        'workspace',
        'db',
        'postgres',
        'max-result-chars',
        PROFILE_SIZE_FLAG,
      ],
      boolean: ['allow-remote', 'allow-actions'],
    });
    if (args.flags.has('json')) throw new UserError('perflens mcp always speaks JSON-RPC on stdout; drop --json.');
    const hasUrl = flagString(args, 'url') !== undefined || args.positionals.length > 0;
    if (!hasUrl)
      refuseFlags(
        args,
        TARGET_FLAGS.filter((f) => f !== 'url' && f !== 'duration').concat(['history', 'window']),
        'without --url (they describe the service to attach to)',
      );
    const maxChars = charsFlag(flagString(args, 'max-result-chars'));
    const workspaceArg = flagString(args, 'workspace');
    const workspace = workspaceArg === undefined ? undefined : path.resolve(io.cwd, workspaceArg);
    if (workspace && !fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory())
      throw new UserError(`No folder at ${workspace}: --workspace is the folder whose source files hold the SQL.`);
    const dbArg = flagString(args, 'db');
    const db = dbArg === undefined ? undefined : path.resolve(io.cwd, dbArg);
    if (db && !fs.statSync(db, { throwIfNoEntry: false })?.isFile())
      throw new UserError(`No file at ${db}: --db is the application's SQLite database.`);
    const postgres = flagString(args, 'postgres');
    if (postgres !== undefined) {
      if (db !== undefined) throw new UserError('Give --db FILE (SQLite) or --postgres URL, not both.');
      const parsed = parsePgUrl(postgres);
      if (!parsed.ok) throw new UserError(`--postgres: ${parsed.error.message}`);
    }
    const keepMs = durationFlag(args, 'window') ?? 3_600_000;
    const session = hasUrl ? sessionFromArgs(args, 'mcp', intervalFlag(args, 2000)) : undefined;
    const historyPath = flagString(args, 'history');
    const store = historyPath ? await openHistoryStore({ file: path.resolve(io.cwd, historyPath) }) : undefined;
    if (store && !store.ok) throw new UserError(store.error.message);
    const history = store?.value;
    const allowActions = args.flags.has('allow-actions');
    const source = new McpInsightSource({
      session,
      history,
      keepMs,
      workspace,
      db,
      ...(postgres !== undefined ? { postgres } : {}),
      allowActions,
      allowRemote: args.flags.has('allow-remote'),
      cwd: io.cwd,
      maxProfileBytes: profileSizeLimit(args).maxBytes,
    });
    const profileFile = flagString(args, 'profile');
    if (profileFile !== undefined) {
      const failed = await source.loadProfile(profileFile);
      if (failed) throw new UserError(`--profile: ${failed.error}`);
    }
    const server = createMcpServer({ source, allowActions, maxChars });
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
    });
    const close = () => void server.close();
    process.stdin.once('end', close);
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    await server.connect(transport);
    session?.start();
    io.err(
      `perflens mcp ${session ? `attached to ${session.id}` : 'with no --url (status and diagnose will say so)'}${postgres !== undefined ? `; SQL explained on ${maskPgUrl(postgres)}` : ''}; actions ${allowActions ? 'on' : 'off'}.`,
    );
    try {
      await closed;
    } finally {
      process.removeListener('SIGINT', close);
      process.removeListener('SIGTERM', close);
      await session?.stop();
      source.close();
      const saved = await history?.close();
      if (saved && !saved.ok) io.err(`perflens: the history was not saved: ${saved.error.message}`);
    }
    return EXIT_OK;
  },
};
