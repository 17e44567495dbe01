import { TenantQuotas, TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    const b = new TokenBucket(100, 200, 0);
    expect(b.take(200, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.waitMs(50, 0)).toBe(500);
    expect(b.take(50, 500)).toBe(true);
    expect(b.take(1, 500)).toBe(false);
  });

  it('lets a request larger than the burst through a full bucket, leaving debt', () => {
    const b = new TokenBucket(100, 50, 0);
    expect(b.take(150, 0)).toBe(true);
    expect(b.take(1, 1000)).toBe(false); // -100 + 100 = 0 tokens
    expect(b.take(1, 1010)).toBe(true);
  });
});

describe('TenantQuotas', () => {
  it('keeps one tenant from using another tenant\'s budget', () => {
    const q = new TenantQuotas(10, 10);
    expect(q.take('a', 10, 0)).toEqual({ ok: true });
    expect(q.take('a', 1, 0)).toEqual({ ok: false, retryInMs: 100 });
    expect(q.take('b', 10, 0)).toEqual({ ok: true });
  });

  it('is off with a rate of 0', () => {
    expect(new TenantQuotas(0, 0).take('a', 1e9, 0)).toEqual({ ok: true });
  });
});
