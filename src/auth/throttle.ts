// Throttling of failed authentication, per user name and per client address. After `limit` failures
// inside the window a key is locked out; each further failure doubles the lockout up to a ceiling.
// In memory: a restart forgets it, which is what sshd and most appliances do too.

export interface ThrottleRule { limit: number; windowMs: number; lockoutMs: number; maxLockoutMs: number }

interface Entry { failures: number[]; lockedUntil: number }

export class Throttle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds the caller must wait, or 0 when the key may try now. */
  retryAfter(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const wait = e.lockedUntil - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  fail(key: string, rule: ThrottleRule): void {
    const now = this.now();
    const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < rule.windowMs);
    e.failures.push(now);
    const over = e.failures.length - rule.limit;
    if (over >= 0) e.lockedUntil = now + Math.min(rule.lockoutMs * 2 ** Math.min(over, 20), rule.maxLockoutMs);
    this.entries.set(key, e);
    if (this.entries.size > 100_000) this.prune(now, rule.windowMs);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number, windowMs: number): void {
    for (const [k, e] of this.entries) {
      if (e.lockedUntil < now && e.failures.every((t) => now - t >= windowMs)) this.entries.delete(k);
    }
  }
}

/** A rule from the stored throttle settings (seconds) with the given failure limit. */
export function throttleRule(t: { windowSeconds: number; lockoutSeconds: number; maxLockoutSeconds: number }, limit: number): ThrottleRule {
  return { limit, windowMs: t.windowSeconds * 1000, lockoutMs: t.lockoutSeconds * 1000, maxLockoutMs: t.maxLockoutSeconds * 1000 };
}
