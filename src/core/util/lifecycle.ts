/**
 * Events and disposables, the one way PerfLens code tells others that something changed and
 * releases what it holds. Plain TypeScript: core, the CLI, the extension and webviews can all use
 * it. The shapes match the editor's (`{ dispose(): void }`, an event is a function you call with a
 * listener), so an `Event` can be handed to a VS Code API that wants a `vscode.Event` and a
 * subscription can go wherever a `vscode.Disposable` is expected.
 */

export interface IDisposable {
  dispose(): void;
}

/** Subscribes a listener; disposing the result unsubscribes it. */
export type Event<T> = (
  listener: (value: T) => unknown,
  thisArgs?: unknown,
  disposables?: IDisposable[] | DisposableStore,
) => IDisposable;

/** A disposable that runs `fn` on its first dispose only. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposes each one, all of them even when some throw; throws the failure (or an AggregateError of several) afterwards. */
export function disposeAll(disposables: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const d of disposables) {
    try {
      d.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
}

/**
 * Owns disposables and disposes them together, newest first (what was set up last is torn down
 * first). Disposing twice is harmless; something added after the store was disposed is disposed
 * at once, so a late subscription cannot leak.
 */
export class DisposableStore implements IDisposable {
  private items: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<D extends IDisposable>(d: D): D {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  /** Disposes everything held so far; the store stays usable. */
  clear(): void {
    const items = this.items.reverse();
    this.items = [];
    disposeAll(items);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** A base for classes that own subscriptions, emitters and other disposables: `_register` them, `dispose()` releases all. */
export abstract class Disposable implements IDisposable {
  protected readonly _store = new DisposableStore();

  protected _register<D extends IDisposable>(d: D): D {
    return this._store.add(d);
  }

  dispose(): void {
    this._store.dispose();
  }
}

export interface EmitterOptions {
  /**
   * Called with what a listener threw; the other listeners still get the value. Without it the
   * error is dropped: one listener's failure must never stop the emitter's owner.
   */
  onListenerError?: (error: unknown) => void;
}

interface Subscription<T> {
  listener: (value: T) => unknown;
  thisArgs: unknown;
  live: boolean;
}

/**
 * A typed event source: the owner keeps the emitter private and exposes `emitter.event`.
 * A listener subscribed while a value is being delivered gets the next value, not this one; a
 * listener unsubscribed during delivery is not called again, even for the value in flight.
 * After `dispose()` fire does nothing and new subscriptions are inert.
 */
export class Emitter<T> implements IDisposable {
  /** Replaced, never mutated, so a delivery in progress walks a fixed list. */
  private subs: readonly Subscription<T>[] = [];
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    if (this.disposed) return toDisposable(() => undefined);
    const sub: Subscription<T> = { listener, thisArgs, live: true };
    this.subs = [...this.subs, sub];
    const subscription = toDisposable(() => {
      sub.live = false;
      this.subs = this.subs.filter((s) => s !== sub);
    });
    if (disposables instanceof DisposableStore) disposables.add(subscription);
    else disposables?.push(subscription);
    return subscription;
  };

  get hasListeners(): boolean {
    return this.subs.length > 0;
  }

  fire(value: T): void {
    if (this.disposed) return;
    for (const sub of this.subs) {
      if (!sub.live) continue;
      try {
        sub.listener.call(sub.thisArgs, value);
      } catch (e) {
        this.options.onListenerError?.(e);
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const sub of this.subs) sub.live = false;
    this.subs = [];
  }
}
