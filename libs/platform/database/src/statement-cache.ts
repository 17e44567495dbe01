import { createHash } from 'node:crypto';
import type { Client, Pool, PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';

/** A statement is prepared once its text has been run this many times (one-off SQL stays unnamed). */
const PREPARE_AFTER = 2;
/** Server-side prepared statements per connection; beyond it, statements run unnamed. */
const MAX_PER_CONNECTION = 200;
const MAX_TEXT_LENGTH = 16_384;
const MAX_TRACKED_TEXTS = 10_000;

const seen = new Map<string, number>();
const hashes = new Map<string, string>();

function hashOf(text: string): string {
  let h = hashes.get(text);
  if (!h) {
    if (hashes.size >= MAX_TRACKED_TEXTS) hashes.clear();
    h = createHash('sha1').update(text).digest('hex').slice(0, 16);
    hashes.set(text, h);
  }
  return h;
}

/** Counts a run of `text`; true once it has run often enough to be prepared. */
function worthPreparing(text: string): boolean {
  const n = (seen.get(text) ?? 0) + 1;
  if (n <= PREPARE_AFTER) {
    if (seen.size >= MAX_TRACKED_TEXTS) seen.clear();
    seen.set(text, n);
    return false;
  }
  return true;
}

interface CachingClient extends PoolClient {
  supraStatements?: { names: Map<string, string>; generation: number };
}

/** SQLSTATEs after which a prepared statement cannot be used again on this connection. */
function isStaleStatementError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  // 0A000 "cached plan must not change result type" (the table changed under it); 26000 it is gone.
  return (err?.code === '0A000' && /cached plan/.test(err.message ?? '')) || err?.code === '26000';
}

function install(client: CachingClient): void {
  if (client.supraStatements) return;
  const state = { names: new Map<string, string>(), generation: 0 };
  client.supraStatements = state;
  const original = client.query.bind(client) as (...args: unknown[]) => Promise<QueryResult>;
  const wrapped = (...args: unknown[]): unknown => {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined || text.length > MAX_TEXT_LENGTH) {
      return original(...args);
    }
    let name = state.names.get(text);
    if (!name) {
      if (state.names.size >= MAX_PER_CONNECTION || !worthPreparing(text)) return original(text, values);
      name = `supra_${hashOf(text)}_${state.generation}`;
      state.names.set(text, name);
    }
    return original({ name, text, values }).catch((e: unknown) => {
      if (isStaleStatementError(e)) {
        // The next use prepares it afresh under a new name; this statement's caller sees the error.
        state.names.delete(text);
        state.generation++;
      }
      throw e;
    });
  };
  (client as unknown as { query: unknown }).query = wrapped;
}

/**
 * Server-side prepared statements for the queries a service runs again and again (every TypeORM
 * repository call and `em.query` with parameters): PostgreSQL then parses and analyses each
 * statement once per connection instead of on every call, which roughly halves its CPU for short
 * statements. Bounded per connection; statements without parameters and one-off texts run as
 * before. Plans follow PostgreSQL's default `plan_cache_mode`. A statement invalidated by a schema
 * change ("cached plan must not change result type") fails once and is prepared afresh.
 */
/** The same for one connection of its own (not from a pool), e.g. `ServiceDatabase.systemClient`. */
export function cacheStatements(client: Client): void {
  install(client as unknown as CachingClient);
}

export function installStatementCache(ds: DataSource): void {
  const pool = (ds.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('installStatementCache: the data source is not initialized');
  pool.on('acquire', (client) => install(client as CachingClient));
}
