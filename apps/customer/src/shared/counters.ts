import type { EntityManager } from 'typeorm';
import { TenantContext } from '@supra/platform/tenancy';

/**
 * Next value of a per-tenant counter (contract numbers, toma numbers, ARCO folios). One row per
 * tenant and name, incremented in the caller's transaction: the row lock serialises concurrent
 * callers and a rollback gives the number back, so the series has no gaps (a sequence would leak
 * numbers on every rollback).
 */
export async function nextCounterValue(em: EntityManager, name: string, count = 1): Promise<number> {
  const tenantId = TenantContext.tenantId();
  const rows = (await em.query(
    `INSERT INTO customer.counters (tenant_id, name, next) VALUES ($1, $2, $3 + 1)
     ON CONFLICT (tenant_id, name) DO UPDATE SET next = customer.counters.next + $3
     RETURNING next - $3 AS value`,
    [tenantId, name, count],
  )) as Array<{ value: string }>;
  return Number(rows[0].value);
}

/** Raises a counter so it never hands out a number at or below `atLeast` (bulk imports, seeds). */
export async function bumpCounter(em: EntityManager, name: string, atLeast: number): Promise<void> {
  await em.query(
    `INSERT INTO customer.counters (tenant_id, name, next) VALUES ($1, $2, $3 + 1)
     ON CONFLICT (tenant_id, name) DO UPDATE SET next = GREATEST(customer.counters.next, $3 + 1)`,
    [TenantContext.tenantId(), name, atLeast],
  );
}

export const formatNumber = (prefix: string, n: number, width = 6): string => `${prefix}-${String(n).padStart(width, '0')}`;
