/**
 * The insight API: status, diagnose, hot functions, slow queries, and the two actions (record a
 * profile, explain a statement), answered from whatever holds the state (the MCP server's own
 * session, or the editor's) through one InsightSource. Every answer is the --json object the CLI
 * prints for the same question, handed to modelAnswer (envelope.ts) for marking and size.
 */
import { analyzeSnapshots } from '../analyzers/analyze';
import { rankForDiagnosis } from '../analyzers/rank';
import type { AnalyzerSettingsInput } from '../analyzers/settings';
import type { ProfileFormat } from '../profiler/formats/types';
import type { Profile, SortKey } from '../profiler/model';
import { summarizeSelected } from '../profiler/summary';
import { summarizeSnapshots } from '../session/summary';
import type { Snapshot } from '../session/types';
import { formatMs } from '../../shared/format';
import type { ModelAnswer } from './envelope';
import { modelAnswer } from './envelope';
import type { ExplainFacts } from './json';
import { explainJson, reportJson, statementJson, windowJson } from './json';
import type { ToolName } from './tools';
import { insightTool, parseToolInput } from './tools';

/** A failure an answer reports: what failed, why, and what to do. */
export interface Refusal {
  error: string;
}

export interface SnapshotWindow {
  target: string;
  intervalMs: number;
  /** Oldest first. */
  snapshots: readonly Snapshot[];
}

export interface ProfileFacts {
  profile: Profile;
  /** How many profiles the file held (summed into `profile`). */
  profiles: number;
  format?: ProfileFormat;
  /** What it is and where it came from: "api.cpuprofile", a file path. */
  label: string;
  source: string;
  warnings: string[];
}

/** Where the answers come from. Actions are absent where they are not allowed. */
export interface InsightSource {
  window(): SnapshotWindow | Refusal;
  analyzerSettings?(): AnalyzerSettingsInput;
  profile(): ProfileFacts | Refusal;
  queries(): Promise<ExplainFacts | Refusal>;
  recordProfile?(durationMs: number): Promise<ProfileFacts | Refusal>;
  explain?(sql: string, whatIf: boolean): Promise<ExplainFacts | Refusal>;
}

const isRefusal = (v: unknown): v is Refusal => typeof v === 'object' && v !== null && 'error' in v;

/** The recent part of a window: the snapshots of its last `seconds` (all of them without). */
function recent(w: SnapshotWindow, seconds: number | undefined): SnapshotWindow | Refusal {
  const end = w.snapshots.at(-1)?.time ?? 0;
  const snaps = seconds === undefined ? w.snapshots : w.snapshots.filter((s) => s.time >= end - seconds * 1000);
  if (snaps.length < 2)
    return {
      error: `PerfLens has ${snaps.length === 0 ? 'no snapshot' : 'one snapshot'} of ${w.target}${seconds !== undefined ? ` in the last ${seconds} s` : ''} yet; rates and latencies need two. Ask again in ${formatMs(w.intervalMs * (2 - snaps.length))}${seconds !== undefined ? ', or with a longer windowSeconds' : ''}.`,
    };
  return { ...w, snapshots: snaps };
}

export function statusData(w: SnapshotWindow): unknown {
  return reportJson(summarizeSnapshots(w.target, w.snapshots), w.intervalMs);
}

export function diagnoseData(w: SnapshotWindow, settings: AnalyzerSettingsInput = {}): unknown {
  const snaps = w.snapshots;
  const durationMs = (snaps.at(-1)?.time ?? 0) - (snaps[0]?.time ?? 0);
  return windowJson(
    { target: w.target, durationMs, intervalMs: w.intervalMs, snapshots: snaps },
    { findings: rankForDiagnosis(analyzeSnapshots(snaps, settings)) },
  );
}

export function hotFunctionsData(p: ProfileFacts, top: number, sort: SortKey): unknown {
  return {
    label: p.label,
    source: p.source,
    ...(p.format ? { format: p.format } : {}),
    ...summarizeSelected(p.profile, p.profiles, p.warnings, { top, sort }),
  };
}

/** Statements with findings first (slowest measured first, then most findings), then the rest. */
export function slowQueriesData(f: ExplainFacts, top: number): unknown {
  const weight = (r: ExplainFacts['reports'][number]) => [
    r.findings.length > 0 ? 1 : 0,
    r.runtime?.p95Ms ?? r.runtime?.avgMs ?? -1,
    r.findings.length,
  ];
  const ranked = [...f.reports].sort((a, b) => {
    const [x, y] = [weight(a), weight(b)];
    return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
  });
  const json = explainJson({ ...f, reports: [] });
  return {
    ...json,
    statementsWithFindings: f.reports.filter((r) => r.findings.length > 0).length,
    statementsTotal: f.reports.length,
    statements: ranked.slice(0, top).map(statementJson),
  };
}

function int(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

async function data(
  name: ToolName,
  input: Record<string, string | number | boolean>,
  source: InsightSource,
): Promise<unknown> {
  switch (name) {
    case 'perflens_status':
    case 'perflens_diagnose': {
      const w = source.window();
      if (isRefusal(w)) return w;
      const r = recent(w, typeof input.windowSeconds === 'number' ? input.windowSeconds : undefined);
      if (isRefusal(r)) return r;
      return name === 'perflens_status' ? statusData(r) : diagnoseData(r, source.analyzerSettings?.());
    }
    case 'perflens_hot_functions': {
      const p = source.profile();
      return isRefusal(p) ? p : hotFunctionsData(p, int(input.top, 15), input.sort === 'total' ? 'total' : 'self');
    }
    case 'perflens_slow_queries': {
      const q = await source.queries();
      return isRefusal(q) ? q : slowQueriesData(q, int(input.top, 10));
    }
    case 'perflens_record_profile': {
      if (!source.recordProfile) return notAllowed(name);
      const p = await source.recordProfile(int(input.durationSeconds, 5) * 1000);
      return isRefusal(p) ? p : hotFunctionsData(p, int(input.top, 10), 'self');
    }
    case 'perflens_explain': {
      if (!source.explain) return notAllowed(name);
      const q = await source.explain(String(input.sql), input.whatIf === true);
      return isRefusal(q) ? q : explainJson(q);
    }
  }
}

function notAllowed(name: ToolName): Refusal {
  return {
    error: `${name} is an action, and actions are off here. In VS Code they need a trusted workspace and your confirmation; for perflens mcp, start it with --allow-actions.`,
  };
}

/** Answers one tool call: the input checked, the data gathered, the answer marked and bounded. */
export async function answerTool(name: string, input: unknown, source: InsightSource): Promise<ModelAnswer> {
  const tool = insightTool(name);
  if (!tool) return modelAnswer(name, { error: `There is no PerfLens tool "${name}".` });
  const parsed = parseToolInput(tool, input);
  if (!parsed.ok) return modelAnswer(name, { error: parsed.message });
  const maxChars = typeof parsed.value.maxChars === 'number' ? parsed.value.maxChars : undefined;
  let result: unknown;
  try {
    result = await data(tool.name, parsed.value, source);
  } catch (e) {
    result = { error: `${tool.displayName} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return modelAnswer(tool.name, isRefusal(result) ? result : { data: result }, maxChars);
}
