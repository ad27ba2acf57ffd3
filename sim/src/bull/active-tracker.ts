/** The job ids a worker's processors currently hold, with a way to wait until enough are held. */
export class ActiveTracker {
  private readonly ids = new Set<string>();
  private waiters: { n: number; resolve: (ids: string[]) => void }[] = [];

  /** `onChange` hears every change, e.g. to report it to a parent process. */
  constructor(private readonly onChange?: (ids: string[]) => void) {}

  get active(): string[] {
    return [...this.ids];
  }

  add(id: string): void {
    this.ids.add(id);
    this.notify();
  }

  delete(id: string): void {
    if (this.ids.delete(id)) this.onChange?.(this.active);
  }

  /** Replaces the whole set (a child process reports its full list). */
  set(ids: string[]): void {
    this.ids.clear();
    for (const id of ids) this.ids.add(id);
    this.notify();
  }

  waitForActive(n: number, timeoutMs = 10_000): Promise<string[]> {
    if (this.ids.size >= n) return Promise.resolve(this.active);
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: (ids: string[]) => {
          clearTimeout(timer);
          resolve(ids);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} active jobs (have ${this.ids.size})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    this.onChange?.(this.active);
    const ready = this.waiters.filter((w) => this.ids.size >= w.n);
    this.waiters = this.waiters.filter((w) => this.ids.size < w.n);
    for (const w of ready) w.resolve(this.active);
  }
}
