import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core/util/lifecycle';
import type { ProfileDiff } from '../core/profiler/diff';
import type { Profile } from '../core/profiler/model';
import type { BenchmarkView } from '../shared/protocol/profile';
import type { HotSpotIndex } from './codeLens/hotSpots';
import { buildHotSpotIndex } from './codeLens/hotSpots';
import { CONTEXT_KEYS } from './constants';

/** The profile the editor shows: CodeLens, line heat, Hot Functions and the profile view read it. */
export interface LoadedProfile {
  profile: Profile;
  /** What it is, for titles: "pid 4242 · 10 s", "api.cpuprofile". */
  label: string;
  /** Where it came from: a file path, or the capture that recorded it. */
  source: string;
  warnings: string[];
  /** Heap profiles read from `source` (a file): the sample types it can be weighed by instead. */
  sampleTypes?: string[];
  /** Load figures of the run the profile was recorded under (Benchmark Endpoint). */
  benchmark?: BenchmarkView;
}

export interface LoadedComparison {
  before: { profile: Profile; label: string };
  after: { profile: Profile; label: string };
  diff: ProfileDiff;
}

/**
 * Holds the current profile (and the last comparison) and tells listeners when it changes. The
 * per-file hot-spot index is derived once per profile, on first use.
 */
export class ProfileState extends Disposable {
  private loaded: LoadedProfile | undefined;
  private compared: LoadedComparison | undefined;
  private index: HotSpotIndex | undefined;
  private gen = 0;
  private readonly changed = this._register(new Emitter<void>());
  readonly onDidChange = this.changed.event;
  /** How long the last Profile Service took to record (from the command) and to load (ms). */
  lastTimings: { captureMs: number; loadMs: number } | undefined;

  get current(): LoadedProfile | undefined {
    return this.loaded;
  }

  get comparison(): LoadedComparison | undefined {
    return this.compared;
  }

  /** Bumped on every change; caches key on it together with a document's version. */
  get generation(): number {
    return this.gen;
  }

  hotSpots(): HotSpotIndex {
    if (!this.loaded) return new Map();
    this.index ??= buildHotSpotIndex(this.loaded.profile);
    return this.index;
  }

  set(loaded: LoadedProfile): void {
    this.loaded = loaded;
    this.index = undefined;
    this.fire();
  }

  setComparison(c: LoadedComparison): void {
    this.compared = c;
    this.fire();
  }

  clear(): void {
    this.loaded = undefined;
    this.compared = undefined;
    this.index = undefined;
    this.fire();
  }

  private fire(): void {
    this.gen++;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.profileLoaded, this.loaded !== undefined);
    this.changed.fire();
  }
}
