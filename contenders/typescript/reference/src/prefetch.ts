// Downloads objects ahead of the archive writer, in listing order, within two budgets:
// at most `concurrency` GETs in flight and at most `budgetBytes` bytes held (in flight or
// downloaded and not yet handed on). Memory is therefore bounded by the budget, whatever the
// number of objects. One object is always allowed, so an object larger than the budget still
// makes progress (on its own).

export interface PrefetchOptions {
  concurrency: number;
  budgetBytes: number;
}

interface Slot<T> {
  promise: Promise<T>;
  cost: number;
}

export class OrderedPrefetcher<Item, Result> {
  private nextToStart = 0;
  private nextToTake = 0;
  private inFlight = 0;
  private heldBytes = 0;
  private stopped = false;
  private readonly slots = new Map<number, Slot<Result>>();

  constructor(
    private readonly items: readonly Item[],
    private readonly fetchItem: (item: Item) => Promise<Result>,
    /** Bytes an item holds while prefetched (0 for items the caller streams instead). */
    private readonly costOf: (item: Item) => number,
    /** Items that must not start before every earlier item was taken (e.g. streamed ones). */
    private readonly startsOnlyWhenNext: (item: Item) => boolean,
    private readonly options: PrefetchOptions,
  ) {}

  /** The next item's result, in listing order. Call `release(cost)` once its bytes are handed on. */
  async takeNext(): Promise<{ item: Item; result: Result; cost: number }> {
    const index = this.nextToTake;
    const item = this.items[index];
    if (item === undefined) throw new Error("prefetcher: no more items");
    this.nextToTake++;
    this.pump();
    const slot = this.slots.get(index)!; // pump() always starts the item being taken
    this.slots.delete(index);
    return { item, result: await slot.promise, cost: slot.cost };
  }

  release(cost: number): void {
    this.heldBytes -= cost;
    this.pump();
  }

  /** Starts nothing more (after a failure). In-flight fetches finish or fail on their own. */
  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    while (!this.stopped && this.nextToStart < this.items.length && this.inFlight < this.options.concurrency) {
      const index = this.nextToStart;
      const item = this.items[index]!;
      const mustBeNext = index < this.nextToTake; // the caller is already waiting for it
      if (!mustBeNext) {
        if (this.startsOnlyWhenNext(item)) break;
        const cost = this.costOf(item);
        if (this.heldBytes > 0 && this.heldBytes + cost > this.options.budgetBytes) break;
      }
      this.start(index, item);
    }
    // The item being taken must exist even when budgets are exhausted (progress guarantee).
    const waited = this.nextToTake - 1;
    if (!this.stopped && waited >= this.nextToStart && waited < this.items.length) {
      while (this.nextToStart <= waited) this.start(this.nextToStart, this.items[this.nextToStart]!);
    }
  }

  private start(index: number, item: Item): void {
    this.nextToStart = index + 1;
    const cost = this.costOf(item);
    this.heldBytes += cost;
    this.inFlight++;
    const promise = this.fetchItem(item).finally(() => {
      this.inFlight--;
      this.pump();
    });
    // A prefetched item can fail before anyone awaits it; the rejection is observed by takeNext().
    promise.catch(() => undefined);
    this.slots.set(index, { promise, cost });
  }
}
