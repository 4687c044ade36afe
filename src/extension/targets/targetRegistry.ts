import type { Event } from '../../core/util/lifecycle';
import { Emitter } from '../../core/util/lifecycle';
import type { TargetSpec } from '../../core/util/target';
import type { ProbeResult } from '../../core/collectors/probe';
import type { PrometheusSpec } from './prometheusTarget';
import { prometheusInput, prometheusLabel } from './prometheusTarget';
import type { OtlpSpec } from './otlpTarget';
import { otlpInput, otlpLabel } from './otlpTarget';

/**
 * What a target is: a service reached directly (URL, port, pid), through a Prometheus server, or
 * one whose metrics arrive over OTLP.
 */
export type AttachedSpec = TargetSpec | PrometheusSpec | OtlpSpec;

/** A target the user attached to, as remembered for this workspace. */
export interface AttachedTarget {
  /** What the user typed (URL, port or pid:N), kept to offer it again. */
  input: string;
  spec: AttachedSpec;
  /** Short human label: host:port for HTTP targets, "pid N" for processes, {selector} @ host for Prometheus. */
  label: string;
  attachedAt: number;
  /** The last reachability probe of the target's endpoints (HTTP targets only). */
  probe?: ProbeResult;
  probedAt?: number;
}

/** The part of vscode.Memento the registry uses (workspaceState in the extension). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface StoredTargetsV1 {
  version: 1;
  current?: AttachedTarget;
  recent: string[];
}

interface StoredTargets {
  version: 2;
  /** Attached targets, oldest first; the last one is the current target. */
  attached: AttachedTarget[];
  recent: string[];
}

const MAX_RECENT = 5;

/**
 * What reaches the target's own process (`pid:N`, or its base URL), for commands that profile or
 * probe it; undefined for a Prometheus-server target or one fed over OTLP, which name no process of
 * their own.
 */
export function processInput(spec: AttachedSpec): string | undefined {
  if (spec.kind === 'prometheus' || spec.kind === 'otlp') return undefined;
  return spec.kind === 'pid' ? `pid:${spec.pid}` : spec.baseUrl;
}

export function labelFor(spec: AttachedSpec): string {
  if (spec.kind === 'pid') return `pid ${spec.pid}`;
  if (spec.kind === 'prometheus') return prometheusLabel(spec);
  if (spec.kind === 'otlp') return otlpLabel(spec);
  return new URL(spec.baseUrl).host;
}

/**
 * The id a target is known by everywhere (session, history store, tree items, dashboard):
 * its base URL, or pid:N. It is also the AttachSession's default id. A Prometheus target's id is
 * the PrometheusSession's: prometheus:<server>{<selector>}; an OTLP-fed target's is otlp:<service.name>.
 */
export function targetId(spec: AttachedSpec): string {
  if (spec.kind === 'prometheus') return prometheusInput(spec);
  if (spec.kind === 'otlp') return otlpInput(spec);
  return spec.kind === 'pid' ? `pid:${spec.pid}` : spec.baseUrl;
}

function isTarget(v: unknown): v is AttachedTarget {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<AttachedTarget>;
  return (
    typeof c.input === 'string' &&
    typeof c.label === 'string' &&
    typeof c.attachedAt === 'number' &&
    typeof c.spec === 'object' &&
    c.spec !== null
  );
}

function isRecent(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((r) => typeof r === 'string');
}

/** Reads what an older or current version stored; anything unreadable is dropped rather than trusted. */
function load(v: unknown): StoredTargets {
  if (typeof v === 'object' && v !== null) {
    const s = v as Partial<StoredTargets> | Partial<StoredTargetsV1>;
    if (s.version === 2 && isRecent(s.recent) && Array.isArray(s.attached) && s.attached.every(isTarget))
      return { version: 2, attached: s.attached, recent: s.recent };
    if (s.version === 1 && isRecent(s.recent) && (s.current === undefined || isTarget(s.current)))
      return { version: 2, attached: s.current ? [s.current] : [], recent: s.recent };
  }
  return { version: 2, attached: [], recent: [] };
}

/**
 * Keeps the attached targets (and recently used inputs) in workspace state, so the live monitor
 * collects from them and a window reload keeps the attachments. Several targets may be attached;
 * the most recently attached one is `current`.
 */
export class TargetRegistry {
  private state: StoredTargets;
  private readonly changed = new Emitter<AttachedTarget | undefined>();
  /** The attached targets changed; listeners get the current one. */
  readonly onDidChange: Event<AttachedTarget | undefined> = this.changed.event;

  constructor(
    private readonly store: StateStore,
    private readonly storeKey: string,
  ) {
    this.state = load(store.get<unknown>(storeKey));
  }

  get current(): AttachedTarget | undefined {
    return this.state.attached[this.state.attached.length - 1];
  }

  /** Every attached target, oldest first. */
  get attached(): readonly AttachedTarget[] {
    return this.state.attached;
  }

  /** Recently attached inputs, newest first. */
  get recent(): readonly string[] {
    return this.state.recent;
  }

  find(id: string): AttachedTarget | undefined {
    return this.state.attached.find((t) => targetId(t.spec) === id);
  }

  /** Attaches a target (replacing one with the same id) and makes it current. */
  async attach(target: AttachedTarget): Promise<void> {
    const id = targetId(target.spec);
    const recent = [target.input, ...this.state.recent.filter((r) => r !== target.input)].slice(0, MAX_RECENT);
    await this.save({
      version: 2,
      attached: [...this.state.attached.filter((t) => targetId(t.spec) !== id), target],
      recent,
    });
  }

  /** Records a fresh probe of a target; ignored if that target was detached or re-attached meanwhile. */
  async recordProbe(forTarget: AttachedTarget, probe: ProbeResult, probedAt: number): Promise<void> {
    const id = targetId(forTarget.spec);
    const cur = this.find(id);
    if (!cur || cur.attachedAt !== forTarget.attachedAt || cur.input !== forTarget.input) return;
    await this.save({
      ...this.state,
      attached: this.state.attached.map((t) => (t === cur ? { ...cur, probe, probedAt } : t)),
    });
  }

  /** Detaches the target with this id (default: the current one); returns it, or undefined. */
  async detach(id?: string): Promise<AttachedTarget | undefined> {
    const was = id === undefined ? this.current : this.find(id);
    if (!was) return undefined;
    await this.save({ version: 2, attached: this.state.attached.filter((t) => t !== was), recent: this.state.recent });
    return was;
  }

  private async save(next: StoredTargets): Promise<void> {
    this.state = next;
    await this.store.update(this.storeKey, next);
    this.changed.fire(this.current);
  }
}
