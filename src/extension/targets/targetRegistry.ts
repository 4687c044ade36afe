import type { TargetSpec } from '../../core/util/target';
import type { ProbeReport } from './probeReport';

/** A target the user attached to, as remembered for this workspace. */
export interface AttachedTarget {
  /** What the user typed (URL, port or pid:N), kept to offer it again. */
  input: string;
  spec: TargetSpec;
  /** Short human label: host:port for HTTP targets, "pid N" for processes. */
  label: string;
  attachedAt: number;
  /** The last reachability probe of the target's endpoints (HTTP targets only). */
  probe?: ProbeReport;
  probedAt?: number;
}

/** The part of vscode.Memento the registry uses (workspaceState in the extension). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface StoredTargets {
  version: 1;
  current?: AttachedTarget;
  recent: string[];
}

const MAX_RECENT = 5;

export function labelFor(spec: TargetSpec): string {
  if (spec.kind === 'pid') return `pid ${spec.pid}`;
  return new URL(spec.baseUrl).host;
}

function isStoredTargets(v: unknown): v is StoredTargets {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<StoredTargets>;
  if (s.version !== 1 || !Array.isArray(s.recent) || !s.recent.every((r) => typeof r === 'string')) return false;
  if (s.current === undefined) return true;
  const c = s.current as Partial<AttachedTarget>;
  return typeof c.input === 'string' && typeof c.label === 'string' && typeof c.attachedAt === 'number' && typeof c.spec === 'object' && c.spec !== null;
}

/**
 * Keeps the attached target (and recently used inputs) in workspace state, so the session code
 * that collects from it can pick it up, and a window reload keeps the attachment.
 */
export class TargetRegistry {
  private state: StoredTargets;
  private readonly listeners = new Set<(current: AttachedTarget | undefined) => void>();

  constructor(
    private readonly store: StateStore,
    private readonly storeKey: string,
  ) {
    const loaded = store.get<unknown>(storeKey);
    // Anything unreadable (an older or hand-edited shape) is dropped rather than trusted.
    this.state = isStoredTargets(loaded) ? loaded : { version: 1, recent: [] };
  }

  get current(): AttachedTarget | undefined {
    return this.state.current;
  }

  /** Recently attached inputs, newest first. */
  get recent(): readonly string[] {
    return this.state.recent;
  }

  async attach(target: AttachedTarget): Promise<void> {
    const recent = [target.input, ...this.state.recent.filter((r) => r !== target.input)].slice(0, MAX_RECENT);
    await this.save({ version: 1, current: target, recent });
  }

  /** Records a fresh probe of the current target; ignored if the target changed meanwhile. */
  async recordProbe(forTarget: AttachedTarget, probe: ProbeReport, probedAt: number): Promise<void> {
    const cur = this.state.current;
    if (!cur || cur.attachedAt !== forTarget.attachedAt || cur.input !== forTarget.input) return;
    await this.save({ ...this.state, current: { ...cur, probe, probedAt } });
  }

  async detach(): Promise<AttachedTarget | undefined> {
    const was = this.state.current;
    if (!was) return undefined;
    await this.save({ version: 1, recent: this.state.recent });
    return was;
  }

  onDidChange(listener: (current: AttachedTarget | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private async save(next: StoredTargets): Promise<void> {
    this.state = next;
    await this.store.update(this.storeKey, next);
    for (const l of [...this.listeners]) l(next.current);
  }
}
