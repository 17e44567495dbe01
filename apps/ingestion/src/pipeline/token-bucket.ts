/**
 * Readings-per-second quota of one tenant. A request larger than the burst is let through when the
 * bucket is full and leaves it in debt, so a batch message bigger than the burst is never refused
 * forever; the debt delays the tenant's next messages.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = Math.max(this.last, now);
  }

  /** Takes n tokens if available (or the bucket is full); returns whether it did. */
  take(n: number, now: number): boolean {
    this.refill(now);
    if (this.tokens >= Math.min(n, this.burst)) {
      this.tokens -= n;
      return true;
    }
    return false;
  }

  /** Milliseconds until n tokens (capped at the burst) are available. */
  waitMs(n: number, now: number): number {
    this.refill(now);
    const need = Math.min(n, this.burst) - this.tokens;
    return need <= 0 ? 0 : Math.ceil((need / this.ratePerSec) * 1000);
  }
}

/** One bucket per tenant; a rate of 0 disables quotas. */
export class TenantQuotas {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  take(tenant: string, n: number, now: number): { ok: true } | { ok: false; retryInMs: number } {
    if (!this.enabled) return { ok: true };
    let b = this.buckets.get(tenant);
    if (!b) this.buckets.set(tenant, (b = new TokenBucket(this.ratePerSec, this.burst, now)));
    if (b.take(n, now)) return { ok: true };
    return { ok: false, retryInMs: Math.max(50, b.waitMs(n, now)) };
  }
}
