import { describe, expect, it } from 'vitest';
import { Breaker } from './breaker.ts';

describe('Breaker', () => {
  it('opens on the action that spends the budget, once, and closes an hour after it opened', () => {
    let now = 1_000_000;
    const breaker = new Breaker(() => now);
    expect(breaker.spend(3)).toBe(false);
    expect(breaker.spend(3)).toBe(false);
    expect(breaker.isOpen()).toBe(false);
    expect(breaker.spend(3)).toBe(true);
    expect(breaker.isOpen()).toBe(true);
    // Already open: spending more (a restart in flight) does not open it again.
    expect(breaker.spend(3)).toBe(false);
    now += 59 * 60_000;
    expect(breaker.isOpen()).toBe(true);
    now += 60_000;
    expect(breaker.isOpen()).toBe(false);
    expect(breaker.count()).toBe(0);
  });

  it('counts only the last hour, and reset gives a fresh budget', () => {
    let now = 0;
    const breaker = new Breaker(() => now);
    breaker.spend(10);
    now += 61 * 60_000;
    breaker.spend(10);
    expect(breaker.count()).toBe(1);
    breaker.spend(2);
    expect(breaker.isOpen()).toBe(true);
    breaker.reset();
    expect(breaker.isOpen()).toBe(false);
    expect(breaker.count()).toBe(0);
  });
});
