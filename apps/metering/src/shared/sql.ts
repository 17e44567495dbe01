import type { EntityManager } from 'typeorm';

/** Raw SQL keeps numeric(12,3) volumes as strings end to end (pg returns numeric as text). */
export async function rows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await em.query(sql, params)) as T[];
}

export async function one<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const r = await rows<T>(em, sql, params);
  return r[0];
}

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export const DEFAULT_TIME_ZONE = 'America/Mexico_City';
