import type { Client, QueryResult } from 'pg';
import { cacheStatements } from '@supra/platform/database';
import { forgetTempsOn } from './reading-writer';

/**
 * One write lane's own connection (system role): a lane write is BEGIN … COMMIT on it, with no pool
 * and no ORM between, so statements can share round trips (see README.md, "Round trips"). A
 * connection that fails is dropped and the next write opens another.
 */
export class LaneConnection {
  private client?: Client;
  private closed = false;

  constructor(private readonly open: () => Client) {}

  /**
   * The open connection, connecting first when there is none. A write takes it once: were it to
   * fail mid-transaction, a second call would run the rest outside the transaction.
   */
  async get(): Promise<Client> {
    if (this.closed) throw new Error('lane connection closed');
    if (this.client) return this.client;
    const c = this.open();
    const drop = () => {
      if (this.client === c) this.client = undefined;
    };
    c.on('error', drop);
    c.on('end', drop);
    await c.connect().catch((e: Error) => {
      void c.end().catch(() => undefined);
      throw e;
    });
    cacheStatements(c);
    this.client = c;
    return c;
  }

  /**
   * After a failed write: rolls back, or drops a connection that cannot. Temp tables made in the
   * transaction are gone with it, so the connection's record of them is too.
   */
  async reset(): Promise<void> {
    const c = this.client;
    if (!c) return;
    forgetTempsOn(c);
    try {
      await c.query('ROLLBACK');
    } catch {
      if (this.client === c) this.client = undefined;
      void c.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

/**
 * Rows of one statement. Statements with parameters go through the platform's statement cache
 * (installed in `get`), as on the pool: unnamed, every run was planned for its own arrays, and the
 * out-of-order lookups (`FIX_FLAGS_SQL`) of a replay ran 2.4 times slower (quick bench, p99 then
 * replay phases: 93 s against 38.5 s).
 */
export async function rowsOf<T>(c: Client, sql: string, params?: unknown[]): Promise<T[]> {
  return (await c.query(sql, params)).rows as T[];
}

/** Results of a simple query of several statements (no parameters), one per statement. */
export async function resultsOf(c: Client, sql: string): Promise<QueryResult[]> {
  const r = (await c.query(sql)) as unknown as QueryResult | QueryResult[];
  return Array.isArray(r) ? r : [r];
}

/**
 * `values` as a PostgreSQL array literal in a string literal, for statements sent as text beside
 * others in one round trip (a simple query takes no parameters). Elements are quoted and escaped
 * for the array syntax, the whole for the string (standard_conforming_strings is on).
 */
export function textArrayLiteral(values: readonly string[]): string {
  const body = values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',');
  return `'{${body.replace(/'/g, "''")}}'`;
}
