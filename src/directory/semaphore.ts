/** A bound on concurrent work: the paged searches one connection keeps open at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /**
   * Wait for a slot; the function returned gives it back (once). `urgent` (a person is waiting)
   * takes one at once, over the limit if need be: waiting for a slot would mean waiting for a
   * whole paged search already open to end.
   */
  async acquire(urgent = false): Promise<() => void> {
    if (!urgent && this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (this.active < this.limit) this.waiting.shift()?.();
    };
  }

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    const release = await this.acquire(urgent);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
