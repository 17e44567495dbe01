import type { EntityManager } from 'typeorm';
import type { Page } from '@supra/contracts';

/** Raw SQL keeps numeric(12,3) volumes as strings end to end (pg returns numeric as text). */
export async function rows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await em.query(sql, params)) as T[];
}

export async function one<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const r = await rows<T>(em, sql, params);
  return r[0];
}

/** One page of `SELECT columns FROM table WHERE where ORDER BY order` with its total, as every list answers. */
export async function pageOf<R, V>(
  em: EntityManager,
  sql: { table: string; where: string; params: unknown[]; order: string; columns?: string },
  q: { page?: number; size?: number },
  map: (r: R) => V,
): Promise<Page<V>> {
  const size = q.size ?? 50;
  const page = q.page ?? 1;
  const total = await one<{ n: string }>(em, `SELECT count(*) AS n FROM ${sql.table} WHERE ${sql.where}`, sql.params);
  const list = await rows<R>(
    em,
    `SELECT ${sql.columns ?? '*'} FROM ${sql.table} WHERE ${sql.where} ORDER BY ${sql.order} LIMIT ${size} OFFSET ${(page - 1) * size}`,
    sql.params,
  );
  return { data: list.map(map), page: { number: page, size, total: Number(total?.n ?? 0) } };
}

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export const DEFAULT_TIME_ZONE = 'America/Mexico_City';
