import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, tenantRlsSql } from '../src';

/** A migration creating one tenant-owned table under RLS, as a service's own migrations do. */
export function tenantTableMigration(name: string, table: string, columns: string): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await runAll(q, [`CREATE TABLE ${table} (id serial PRIMARY KEY, tenant_id uuid NOT NULL, ${columns})`, ...tenantRlsSql(table)]);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE ${table}`);
    }
  };
}
