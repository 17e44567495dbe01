import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, ServiceDatabase, tenantRlsSql } from '@supra/platform/database';
import { messagingTablesSql } from '../src';

/** A tiny service schema for messaging tests: the messaging tables plus a per-tenant counter. */
export function testSchemaMigration(schema: string): new () => MigrationInterface {
  return class TestSchema1 implements MigrationInterface {
    name = 'TestSchema1700000000001';
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, [
        ...messagingTablesSql(schema),
        `CREATE TABLE ${schema}.counters (tenant_id uuid NOT NULL, key text NOT NULL, value bigint NOT NULL DEFAULT 0, PRIMARY KEY (tenant_id, key))`,
        ...tenantRlsSql(`${schema}.counters`),
      ]);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  };
}

export async function makeDb(url: string, schema: string): Promise<ServiceDatabase> {
  const db = new ServiceDatabase({ url, schema, migrations: [testSchemaMigration(schema)], poolSize: 4 });
  await db.migrate();
  await db.connect();
  return db;
}
