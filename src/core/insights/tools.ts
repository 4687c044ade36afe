/**
 * The insight tools, described once: names, what they answer (the model reads this to choose),
 * input schemas (JSON Schema, as VS Code's languageModelTools and MCP both take), and whether a
 * tool only reads or acts. package.json's languageModelTools and the MCP server are checked against
 * this list by a unit test.
 */
import { DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS } from './envelope';

export type ToolName =
  | 'perflens_status'
  | 'perflens_diagnose'
  | 'perflens_hot_functions'
  | 'perflens_slow_queries'
  | 'perflens_record_profile'
  | 'perflens_explain';

export type PropertySchema =
  | { type: 'integer'; description: string; minimum: number; maximum: number; default?: number }
  | { type: 'string'; description: string; maxLength: number; enum?: string[]; default?: string }
  | { type: 'boolean'; description: string; default?: boolean };

export interface ToolSchema {
  type: 'object';
  properties: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties: false;
}

export interface InsightTool {
  name: ToolName;
  /** VS Code's #reference name. */
  referenceName: string;
  displayName: string;
  /** For the model: what it answers and when to use it. */
  description: string;
  /** Read-only tools only read what PerfLens has; actions make PerfLens do something (confirmed first). */
  readOnly: boolean;
  inputSchema: ToolSchema;
  tags: string[];
}

const maxChars: PropertySchema = {
  type: 'integer',
  description: `Largest answer in characters (default ${DEFAULT_MAX_CHARS}); longer answers are cut, and the cut is named in "truncated".`,
  minimum: MIN_MAX_CHARS,
  maximum: MAX_MAX_CHARS,
};

const TAGS = ['perflens', 'performance'];

export const INSIGHT_TOOLS: readonly InsightTool[] = [
  {
    name: 'perflens_status',
    referenceName: 'perflensStatus',
    displayName: 'PerfLens: Service Status',
    description:
      'Live status of the service PerfLens is attached to, over a recent window: health, request and error rates, latency (avg, p50, p95, p99) overall and per route, connection pools, caches, the busiest queries, process CPU and memory, machine CPU and memory. The same fields as `perflens report --json`. Use it first when asked whether the service is healthy or slow.',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        windowSeconds: {
          type: 'integer',
          description: 'How many recent seconds to summarize (default: everything collected, up to an hour).',
          minimum: 1,
          maximum: 3600,
        },
        maxChars,
      },
      additionalProperties: false,
    },
    tags: [...TAGS, 'metrics'],
  },
  {
    name: 'perflens_diagnose',
    referenceName: 'perflensDiagnose',
    displayName: 'PerfLens: Diagnose',
    description:
      'Ranked findings about the attached service, causes of slowness first (database, cache misses, CPU, then network/external), then pools, caches, memory leaks and trends; each with its evidence (numbers, time window) and what to do. The same findings as `perflens analyze --json`. Use it when asked why the service or an endpoint is slow.',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        windowSeconds: {
          type: 'integer',
          description: 'How many recent seconds to analyze (default: everything collected, up to an hour).',
          minimum: 1,
          maximum: 3600,
        },
        maxChars,
      },
      additionalProperties: false,
    },
    tags: [...TAGS, 'diagnosis'],
  },
  {
    name: 'perflens_hot_functions',
    referenceName: 'perflensHotFunctions',
    displayName: 'PerfLens: Hot Functions',
    description:
      'The heaviest functions of the CPU profile PerfLens has loaded, with file:line, self and total time (ms) and samples. The same fields as `perflens profile summarize --json`. Use it to find which code burns the CPU; if no profile is loaded, say so (recording one is the perflens_record_profile action).',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        top: { type: 'integer', description: 'How many functions (default 15).', minimum: 1, maximum: 200 },
        sort: {
          type: 'string',
          description: 'Rank by self time (default) or total time.',
          enum: ['self', 'total'],
          maxLength: 5,
        },
        maxChars,
      },
      additionalProperties: false,
    },
    tags: [...TAGS, 'profiling'],
  },
  {
    name: 'perflens_slow_queries',
    referenceName: 'perflensSlowQueries',
    displayName: 'PerfLens: Slow Queries',
    description:
      "SQL statements found in the workspace's source, explained on its SQLite database or, when a PostgreSQL connection is set, on that server in a read-only session: statement, file:line, query plan, findings (full scans, missing indexes, N+1 shapes…), suggested CREATE INDEX with its what-if proof (SQLite: timed on a copy when run; PostgreSQL: planned with a HypoPG hypothetical index), and the statement's measured timings (the running service's /metrics, or pg_stat_statements). Statements with findings first. The same fields as `perflens explain --json` (on PostgreSQL, `perflens explain --postgres URL --what-if --json`).",
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        top: { type: 'integer', description: 'How many statements (default 10).', minimum: 1, maximum: 200 },
        maxChars,
      },
      additionalProperties: false,
    },
    tags: [...TAGS, 'sql', 'database'],
  },
  {
    name: 'perflens_record_profile',
    referenceName: 'perflensRecordProfile',
    displayName: 'PerfLens: Record a CPU Profile',
    description:
      "Action: records a CPU profile of the attached service's process for a few seconds (Node through its inspector, Python through py-spy) and loads it, so perflens_hot_functions then answers from it. Needs the user's confirmation. Returns the file written and the hottest functions.",
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        durationSeconds: {
          type: 'integer',
          description: 'How long to sample (default 5).',
          minimum: 1,
          maximum: 60,
        },
        top: {
          type: 'integer',
          description: 'How many hot functions to return (default 10).',
          minimum: 1,
          maximum: 200,
        },
        maxChars,
      },
      additionalProperties: false,
    },
    tags: [...TAGS, 'profiling', 'action'],
  },
  {
    name: 'perflens_explain',
    referenceName: 'perflensExplain',
    displayName: 'PerfLens: Explain a SQL Statement',
    description:
      "Action: explains one SQL statement on an in-memory copy of the workspace's SQLite database (the file is never written) or, when a PostgreSQL connection is set, on that server in a read-only session: plan, findings and suggested indexes; with whatIf, each suggested index is proven (SQLite: timed before and after on the copy; PostgreSQL: planned with a HypoPG hypothetical index). Needs the user's confirmation.",
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        sql: {
          type: 'string',
          description: 'The statement, e.g. SELECT * FROM orders WHERE user_id = ?',
          maxLength: 20_000,
        },
        whatIf: { type: 'boolean', description: 'Time each suggested index before and after (default false).' },
        maxChars,
      },
      required: ['sql'],
      additionalProperties: false,
    },
    tags: [...TAGS, 'sql', 'database', 'action'],
  },
];

export function insightTool(name: string): InsightTool | undefined {
  return INSIGHT_TOOLS.find((t) => t.name === name);
}

/**
 * Checks a tool's input against its schema (a model may send anything): the parsed values, or
 * what is wrong and what is accepted.
 */
export function parseToolInput(
  tool: InsightTool,
  input: unknown,
): { ok: true; value: Record<string, string | number | boolean> } | { ok: false; message: string } {
  const obj = input ?? {};
  if (typeof obj !== 'object' || Array.isArray(obj))
    return { ok: false, message: `${tool.name} takes an object of named inputs.` };
  const value: Record<string, string | number | boolean> = {};
  const props = tool.inputSchema.properties;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const s = props[k];
    if (!s)
      return { ok: false, message: `${tool.name} has no input "${k}"; it takes ${Object.keys(props).join(', ')}.` };
    if (v === undefined || v === null) continue;
    if (s.type === 'integer') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < s.minimum || v > s.maximum)
        return { ok: false, message: `${k} must be a whole number from ${s.minimum} to ${s.maximum}.` };
    } else if (s.type === 'string') {
      if (typeof v !== 'string' || v.length > s.maxLength || (s.enum && !s.enum.includes(v)))
        return {
          ok: false,
          message: s.enum
            ? `${k} is one of ${s.enum.join(', ')}.`
            : `${k} must be text of at most ${s.maxLength} characters.`,
        };
    } else if (typeof v !== 'boolean') return { ok: false, message: `${k} is true or false.` };
    value[k] = v as string | number | boolean;
  }
  for (const k of tool.inputSchema.required ?? [])
    if (value[k] === undefined || value[k] === '') return { ok: false, message: `${tool.name} needs "${k}".` };
  return { ok: true, value };
}
