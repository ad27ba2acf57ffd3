const HOUR_MS = 60 * 60_000;

/**
 * Auto-heal's hourly budget: each action spends one; when the budget is spent the breaker opens and
 * auto-heal stops until an hour passed since it opened, or someone resets it.
 */
export class Breaker {
  private spent: number[] = [];
  private openedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Actions in the last hour. */
  count(): number {
    const since = this.now() - HOUR_MS;
    this.spent = this.spent.filter((at) => at > since);
    return this.spent.length;
  }

  /** Open now? An hour after it opened it closes by itself, with a fresh budget. */
  isOpen(): boolean {
    if (this.openedAt !== null && this.now() - this.openedAt >= HOUR_MS) this.reset();
    return this.openedAt !== null;
  }

  get openedSince(): number | null {
    return this.openedAt;
  }

  /** Spends one action; true when that spent the budget and the breaker just opened. */
  spend(budget: number): boolean {
    this.spent.push(this.now());
    if (this.openedAt === null && this.count() >= budget) {
      this.openedAt = this.now();
      return true;
    }
    return false;
  }

  reset(): void {
    this.spent = [];
    this.openedAt = null;
  }
}
