import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The write found that this process no longer holds the consumer lease: nothing may be acked. */
export class LeaseLostError extends Error {
  constructor() {
    super('telemetry consumer lease lost');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while the lease's session (backend `pid`, -1 for none) still holds its advisory lock (run inside each write transaction). */
export const leaseHeldSql = (pid: number): string => `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${Number.isInteger(pid) ? pid : -1})`;

/**
 * One active telemetry consumer per stream (see README.md, "Acks"): a session-level advisory lock
 * on a connection of its own. A SIGKILLed holder's connection closes and the lock goes with it;
 * a standby polls until it gets the lock. Writes check the lock in their transaction (fencing), so
 * a holder that lost it without noticing cannot commit and therefore never acks.
 */
export class ConsumerLease {
  private readonly log = new Logger('ConsumerLease');
  private client?: Client;
  private lostHandler?: (reason: string) => void;
  /** Backend pid of the lock's session while held. */
  pid?: number;

  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  /** Waits until the lock is ours (or `cancelled()`); `onLost` fires once if the session dies later. */
  async acquire(cancelled: () => boolean, onLost: (reason: string) => void): Promise<boolean> {
    let waiting = false;
    while (!cancelled()) {
      try {
        const client = new Client({ connectionString: this.url, application_name: 'ingestion-telemetry-lease' });
        client.on('error', () => undefined);
        await client.connect();
        const rows = (await client.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok, pg_backend_pid() AS pid`, [this.key])).rows as Array<{ ok: boolean; pid: number }>;
        if (rows[0].ok) {
          this.client = client;
          this.pid = rows[0].pid;
          this.lostHandler = onLost;
          const lost = (why: string) => {
            if (this.client !== client) return;
            this.client = undefined;
            this.pid = undefined;
            this.lostHandler?.(why);
          };
          client.on('error', (e) => lost(`lease connection failed: ${e.message}`));
          client.on('end', () => lost('lease connection closed'));
          if (waiting) this.log.log(`lease ${this.key} acquired`);
          return true;
        }
        await client.end();
        if (!waiting) this.log.log(`lease ${this.key} held by another process: standing by`);
        waiting = true;
      } catch (e) {
        this.log.warn(`lease ${this.key}: ${(e as Error).message}`);
      }
      await sleep(1000);
    }
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.pid = undefined;
    this.lostHandler = undefined;
    await client?.end().catch(() => undefined);
  }
}
