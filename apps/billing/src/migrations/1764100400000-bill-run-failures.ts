import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantTablesSql, runAll, tenantTablesRlsSql } from '@supra/platform/database';

const S = 'billing';
const TABLES = ['bill_run_failures'];

/**
 * Why each contract of a bill run failed (rating or sealing error code and message), so GET /bill-runs/:id
 * can list them for the operator instead of leaving them in the service log.
 */
export class BillRunFailures1764100400000 implements MigrationInterface {
  name = 'BillRunFailures1764100400000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE ${S}.bill_run_failures (
         tenant_id uuid NOT NULL,
         bill_run_id uuid NOT NULL REFERENCES ${S}.bill_runs (id) ON DELETE CASCADE,
         contract_id uuid NOT NULL,
         code text NOT NULL,
         message text NOT NULL,
         PRIMARY KEY (bill_run_id, contract_id)
       )`,
      ...tenantTablesRlsSql(S, TABLES),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, dropTenantTablesSql(S, TABLES));
  }
}
