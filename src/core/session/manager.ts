/**
 * Several attach sessions at once (one per service), with one place to listen to all of their
 * snapshots and one call to stop them all. The extension and the CLI both hold one of these.
 */
import { Emitter } from '../util/lifecycle';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import type { AttachSession, AttachSessionOptions, SnapshotListener, Unsubscribe } from './session';
import type { Snapshot } from './types';
import { createAttachSession } from './session';

export type AttachFailureKind = 'invalid' | 'remote' | 'duplicate';

export class SessionManager {
  private readonly sessions = new Map<string, { session: AttachSession; sub: Unsubscribe }>();
  /** One listener's failure must not starve the others (the emitter isolates each). */
  private readonly snapshots = new Emitter<Snapshot>();

  /** Options every session gets unless attach() says otherwise (clock, http, interval, allowRemote…). */
  constructor(private readonly defaults: Partial<AttachSessionOptions> = {}) {}

  /** Creates and starts a session; refuses a second session with the same id. */
  attach(opts: AttachSessionOptions): Result<AttachSession, AttachFailureKind> {
    const merged: AttachSessionOptions = { ...this.defaults, ...opts };
    const created = createAttachSession(merged);
    if (!created.ok) return created;
    const session = created.value;
    if (this.sessions.has(session.id)) return fail('duplicate', `Already attached to ${session.id}.`);
    const sub = session.onSnapshot((s) => this.snapshots.fire(s));
    this.sessions.set(session.id, { session, sub });
    session.start();
    return ok(session);
  }

  get(id: string): AttachSession | undefined {
    return this.sessions.get(id)?.session;
  }

  list(): AttachSession[] {
    return [...this.sessions.values()].map((e) => e.session);
  }

  /** Snapshots of every session, present and future. */
  onSnapshot(listener: SnapshotListener): Unsubscribe {
    return this.snapshots.event(listener);
  }

  /** Stops and forgets one session; false if there was none with that id. */
  async detach(id: string): Promise<boolean> {
    const e = this.sessions.get(id);
    if (!e) return false;
    this.sessions.delete(id);
    e.sub.dispose();
    await e.session.stop();
    return true;
  }

  /** Stops every session. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.detach(id)));
    this.snapshots.dispose();
  }
}
