import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from '@supra/platform/database';

const S = 'billing';

/**
 * Final invoice at contract termination: metering's `final` marker kept with the consumption, the tenant's
 * proration policy for fixed charges of the partial period, and what the final invoice settled (days served,
 * open balance of the contract's other invoices). Columns only: the tables keep their RLS policies.
 */
export class FinalInvoice1764100300000 implements MigrationInterface {
  name = 'FinalInvoice1764100300000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE ${S}.consumptions ADD COLUMN is_final boolean NOT NULL DEFAULT false`,
      `ALTER TABLE ${S}.tenant_settings ADD COLUMN final_proration text NOT NULL DEFAULT 'daily' CHECK (final_proration IN ('daily', 'none'))`,
      `ALTER TABLE ${S}.invoices ADD COLUMN final_settlement jsonb`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE ${S}.invoices DROP COLUMN final_settlement`,
      `ALTER TABLE ${S}.tenant_settings DROP COLUMN final_proration`,
      `ALTER TABLE ${S}.consumptions DROP COLUMN is_final`,
    ]);
  }
}
