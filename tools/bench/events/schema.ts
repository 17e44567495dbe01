import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, tenantRlsSql } from '@supra/platform/database';
import { messagingTablesSql } from '@supra/platform/messaging';

/** Producer and consumer schemas of the events benchmark: messaging tables, plus what the consumer applies. */
export function benchMigration(schema: string, withApplied: boolean): new () => MigrationInterface {
  return class BenchEvents1700000000000 implements MigrationInterface {
    name = 'BenchEvents1700000000000';
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, messagingTablesSql(schema));
      if (withApplied) {
        await runAll(q, [
          `CREATE TABLE ${schema}.applied (tenant_id uuid NOT NULL, seq bigint PRIMARY KEY, applied_ms double precision NOT NULL)`,
          ...tenantRlsSql(`${schema}.applied`),
        ]);
      }
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  };
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes. */
export const nowMs = (): number => performance.timeOrigin + performance.now();
