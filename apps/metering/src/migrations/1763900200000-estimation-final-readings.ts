import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantTablesSql, runAll, tenantTablesRlsSql } from '@supra/platform/database';

const S = 'metering';
const TABLES = ['settings', 'final_readings'];

/**
 * Tenant settings (estimation order, time zone; NULL = the default), the final-reading requests of terminated contracts, and billable consumption
 * unique per (toma, period, contract, final): a change of holder bills the old contract's final part and the
 * new contract's rest of the same period on the same toma, and a final part may follow a period already closed.
 */
export class EstimationFinalReadings1763900200000 implements MigrationInterface {
  name = 'EstimationFinalReadings1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE ${S}.settings (
         tenant_id uuid PRIMARY KEY,
         estimation_order text[],
         time_zone text,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.final_readings (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         contract_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         effective_date date NOT NULL,
         terminates_at timestamptz NOT NULL,
         status text NOT NULL CHECK (status IN ('pending','completed')),
         reading_id uuid REFERENCES ${S}.readings (id),
         billable_id uuid,
         requested_at timestamptz NOT NULL,
         completed_at timestamptz,
         UNIQUE (tenant_id, contract_id)
       )`,
      `CREATE INDEX final_readings_pending ON ${S}.final_readings (tenant_id, toma_id) WHERE status = 'pending'`,
      `ALTER TABLE ${S}.billable_consumptions ADD COLUMN final boolean NOT NULL DEFAULT false`,
      `ALTER TABLE ${S}.billable_consumptions DROP CONSTRAINT billable_consumptions_tenant_id_toma_id_period_key`,
      `CREATE UNIQUE INDEX billable_consumptions_contract_period ON ${S}.billable_consumptions
         (tenant_id, toma_id, period, coalesce(contract_id, '00000000-0000-0000-0000-000000000000'::uuid), final)`,
      // The class average reads a year of real periods per toma type.
      `CREATE INDEX billable_consumptions_period_end ON ${S}.billable_consumptions (tenant_id, period_end) WHERE NOT estimated`,
      `CREATE INDEX tomas_type ON ${S}.tomas (tenant_id, toma_type)`,
      ...tenantTablesRlsSql(S, TABLES),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP INDEX ${S}.tomas_type`,
      `DROP INDEX ${S}.billable_consumptions_period_end`,
      `DROP INDEX ${S}.billable_consumptions_contract_period`,
      `ALTER TABLE ${S}.billable_consumptions ADD CONSTRAINT billable_consumptions_tenant_id_toma_id_period_key UNIQUE (tenant_id, toma_id, period)`,
      `ALTER TABLE ${S}.billable_consumptions DROP COLUMN final`,
      ...dropTenantTablesSql(S, TABLES),
    ]);
  }
}
