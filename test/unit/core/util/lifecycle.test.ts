import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore, Emitter, toDisposable } from '../../../../src/core/util/lifecycle';

describe('util/lifecycle: Emitter', () => {
  it('delivers each fired value to every listener, in subscription order', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    e.event((n) => seen.push(`a${n}`));
    e.event((n) => seen.push(`b${n}`));
    e.fire(1);
    e.fire(2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'b2']);
  });

  it('stops delivering to a listener once its subscription is disposed, and disposing it twice is harmless', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    const sub = e.event((n) => seen.push(n));
    e.fire(1);
    sub.dispose();
    sub.dispose();
    e.fire(2);
    assert.deepEqual(seen, [1]);
    assert.equal(e.hasListeners, false);
  });

  it('gives a listener added during a fire the next value, not the one being delivered', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    e.event((n) => {
      seen.push(`first${n}`);
      if (n === 1) e.event((m) => seen.push(`late${m}`));
    });
    e.fire(1);
    e.fire(2);
    assert.deepEqual(seen, ['first1', 'first2', 'late2']);
  });

  it('skips a listener that an earlier listener removed during the same fire', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    e.event(() => second.dispose());
    const second = e.event((n) => seen.push(`second${n}`));
    e.fire(1);
    assert.deepEqual(seen, []);
  });

  it('keeps delivering to the other listeners when one throws, and hands the error to onListenerError', () => {
    const errors: unknown[] = [];
    const e = new Emitter<number>({ onListenerError: (err) => errors.push(err) });
    const seen: number[] = [];
    e.event(() => {
      throw new Error('listener failed');
    });
    e.event((n) => seen.push(n));
    e.fire(7);
    assert.deepEqual(seen, [7]);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'listener failed');
  });

  it('keeps delivering when a listener throws and no error handler was given', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.event(() => {
      throw new Error('listener failed');
    });
    e.event((n) => seen.push(n));
    assert.doesNotThrow(() => e.fire(3));
    assert.deepEqual(seen, [3]);
  });

  it('ignores fire() once disposed, and a late subscription gets an inert disposable', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.event((n) => seen.push(n));
    e.dispose();
    e.fire(1);
    const late = e.event((n) => seen.push(n));
    e.fire(2);
    late.dispose();
    e.dispose();
    assert.deepEqual(seen, []);
    assert.equal(e.hasListeners, false);
  });

  it('calls a listener with the given this, and adds its subscription to the given store or array', () => {
    const e = new Emitter<number>();
    const target = { total: 0 };
    const store = new DisposableStore();
    const array: { dispose(): void }[] = [];
    e.event(
      function (this: typeof target, n: number) {
        this.total += n;
      },
      target,
      store,
    );
    e.event(
      function (this: typeof target, n: number) {
        this.total += 10 * n;
      },
      target,
      array,
    );
    e.fire(1);
    assert.equal(target.total, 11);
    store.dispose();
    array.forEach((d) => d.dispose());
    e.fire(1);
    assert.equal(target.total, 11);
  });
});

describe('util/lifecycle: DisposableStore', () => {
  it('disposes what it holds in reverse order of adding, once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(toDisposable(() => order.push('b')));
    store.add(toDisposable(() => order.push('c')));
    store.dispose();
    store.dispose();
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.equal(store.isDisposed, true);
  });

  it('disposes a disposable added after the store itself was disposed right away', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    store.add(toDisposable(() => order.push('late')));
    assert.deepEqual(order, ['late']);
  });

  it('disposes everything even when one dispose throws, then rethrows that error', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(
      toDisposable(() => {
        throw new Error('dispose failed');
      }),
    );
    store.add(toDisposable(() => order.push('c')));
    assert.throws(() => store.dispose(), /dispose failed/);
    assert.deepEqual(order, ['c', 'a']);
  });

  it('reports every failure when several disposes throw', () => {
    const store = new DisposableStore();
    store.add(
      toDisposable(() => {
        throw new Error('first');
      }),
    );
    store.add(
      toDisposable(() => {
        throw new Error('second');
      }),
    );
    assert.throws(
      () => store.dispose(),
      (e: unknown) => e instanceof AggregateError && e.errors.length === 2,
    );
  });

  it('clear() disposes what it holds and stays usable', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.clear();
    store.add(toDisposable(() => order.push('b')));
    assert.deepEqual(order, ['a']);
    store.dispose();
    assert.deepEqual(order, ['a', 'b']);
  });

  it('toDisposable runs its function only on the first dispose', () => {
    let n = 0;
    const d = toDisposable(() => n++);
    d.dispose();
    d.dispose();
    assert.equal(n, 1);
  });
});

describe('util/lifecycle: Disposable base', () => {
  class Owner extends Disposable {
    readonly order: string[] = [];
    private readonly changed = this._register(new Emitter<number>());
    readonly onChanged = this.changed.event;
    constructor() {
      super();
      this._register(toDisposable(() => this.order.push('own')));
    }
    bump(n: number): void {
      this.changed.fire(n);
    }
  }

  it('disposes what the subclass registered, newest first, and its emitters stop firing', () => {
    const owner = new Owner();
    const seen: number[] = [];
    owner.onChanged((n) => seen.push(n));
    owner.bump(1);
    owner.dispose();
    owner.bump(2);
    owner.dispose();
    assert.deepEqual(seen, [1]);
    assert.deepEqual(owner.order, ['own']);
  });

  it('disposes at once what is registered after dispose', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    (owner as unknown as { _register(d: { dispose(): void }): void })._register(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });
});
