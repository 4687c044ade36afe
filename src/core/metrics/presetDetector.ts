/**
 * Preset detection for a session, scrape after scrape. What detection reads of a scrape is fixed
 * by the preset table and the overrides: for each mapping, whether its metric is there (with the
 * labels and label values the mapping needs). The answers are asked once per distinct mapping
 * and kept as one string; while they are the same as the last scrape's, so is the choice, and it
 * is reused instead of ranked again.
 */
import type { Concept, MetricMapping, PresetOverrides, ResolvedMapping, SampleIndex } from './presets';
import {
  PRESETS,
  choosePresets,
  describePresetMatches,
  isPresent,
  isPresentAt,
  overrideMapping,
  probeNames,
} from './presets';

export interface DetectedPresets {
  resolved: ReadonlyMap<Concept, ResolvedMapping>;
  /** The `Snapshot.presets` report of `resolved` (see describePresetMatches); shared, so copy it to keep it. */
  described: Record<string, string>;
}

/** What isPresent reads of a mapping: two mappings with the same signature are present together. */
function signature(m: MetricMapping): string {
  const l = m.labels;
  return JSON.stringify([m.metric, m.shape, l?.route ?? null, l?.method ?? null, l?.status ?? null, m.match ?? null]);
}

const ONE = '1'.charCodeAt(0);

export class PresetDetector {
  /** One mapping per distinct signature: the checks a scrape is put through. */
  private readonly checks: { mapping: MetricMapping; names: readonly string[] }[] = [];
  private readonly checkBySignature = new Map<string, number>();
  /** The check of each mapping object seen (the table's, and the ones overrides expand to). */
  private readonly checkOf = new WeakMap<MetricMapping, number>();
  private last?: { answers: string; detected: DetectedPresets };

  /** Fixed at construction, as the checks are. */
  private readonly overrides: PresetOverrides;

  constructor(overrides: PresetOverrides = {}) {
    this.overrides = { ...overrides };
    for (const p of PRESETS) for (const list of Object.values(p.mappings)) for (const m of list ?? []) this.register(m);
    for (const [concept, o] of Object.entries(this.overrides) as [Concept, string | MetricMapping][])
      for (const m of overrideMapping(concept, o)) this.register(m);
  }

  private register(m: MetricMapping): number {
    const known = this.checkOf.get(m);
    if (known !== undefined) return known;
    const sig = signature(m);
    let i = this.checkBySignature.get(sig);
    if (i === undefined) {
      i = this.checks.length;
      this.checks.push({ mapping: m, names: probeNames(m) });
      this.checkBySignature.set(sig, i);
    }
    this.checkOf.set(m, i);
    return i;
  }

  /** The same choice as detectPresets(index, overrides). */
  detect(index: SampleIndex): DetectedPresets {
    let answers = '';
    for (const c of this.checks) answers += isPresentAt(index, c.mapping, c.names) ? '1' : '0';
    if (this.last?.answers === answers) return this.last.detected;
    const resolved = choosePresets((m) => {
      const i = this.register(m);
      return i < answers.length ? answers.charCodeAt(i) === ONE : isPresent(index, m);
    }, this.overrides);
    const detected = { resolved, described: describePresetMatches(resolved) };
    this.last = { answers, detected };
    return detected;
  }
}
