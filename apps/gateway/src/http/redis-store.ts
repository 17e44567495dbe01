import { Redis } from 'ioredis';

/**
 * Fixed-window counter in one round trip: INCR, and PEXPIRE on the first hit of the window, in a
 * Lua script so a crash between the two can never leave a counter without expiry.
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }`;

export interface HitResult {
  allowed: boolean;
  count: number;
  limit: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RedisStoreOptions {
  url: string;
  /** Key prefix (the deployment namespace), so test runs never share counters. */
  prefix: string;
  logger?: { warn(o: unknown, m?: string): void };
}

/**
 * The gateway's Redis: rate-limit counters and revoked session ids. Redis is an accelerator, not a
 * source of truth: when it is unreachable, requests are let through (and logged) rather than the
 * whole API going down; commands fail fast instead of queueing.
 */
export class RedisStore {
  readonly redis: Redis;

  constructor(private readonly opts: RedisStoreOptions) {
    this.redis = new Redis(opts.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.redis.on('error', (e: Error) => this.opts.logger?.warn({ err: e.message }, 'redis error'));
  }

  async connect(): Promise<void> {
    await this.redis.connect().catch((e: Error) => this.opts.logger?.warn({ err: e.message }, 'redis not reachable at boot; rate limits off until it is'));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  private key(...parts: string[]): string {
    return [this.opts.prefix || 'supra', ...parts].join(':');
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<HitResult> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.key('rl', bucket), String(windowMs))) as [number, number];
      return { allowed: count <= limit, count, limit, resetMs: ttl };
    } catch (e) {
      this.opts.logger?.warn({ err: (e as Error).message, bucket }, 'rate limit check skipped: redis unavailable');
      return { allowed: true, count: 0, limit, resetMs: windowMs };
    }
  }

  /** Marks sessions as signed out for as long as an access token of theirs can live. */
  async revokeSessions(sessionIds: string[], ttlSeconds: number): Promise<void> {
    if (!sessionIds.length) return;
    try {
      const m = this.redis.multi();
      for (const sid of sessionIds) m.set(this.key('revoked-sid', sid), '1', 'EX', ttlSeconds);
      await m.exec();
    } catch (e) {
      this.opts.logger?.warn({ err: (e as Error).message }, 'could not record revoked sessions in redis');
    }
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key('revoked-sid', sessionId))) === 1;
    } catch {
      return false;
    }
  }
}
