import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantTablesSql, runAll, tenantTablesRlsSql } from '@supra/platform/database';

const S = 'metering';
/** Tenant-owned tables, in creation order (dropped in reverse). */
const TABLES = [
  'tomas',
  'contracts',
  'meters',
  'reading_imports',
  'readings',
  'reading_audit',
  'daily_summaries',
  'consumption_cursors',
  'billable_consumptions',
  'anomalies',
];

/**
 * Volumes are numeric(12,3): 9 integer digits of m3 with litre resolution, never floats. Tomas and
 * contracts are a local read model fed by customer events (metering never reads another schema).
 */
export class Metering1763900100000 implements MigrationInterface {
  name = 'Metering1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE ${S}.tomas (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_number text NOT NULL,
         toma_type text NOT NULL,
         status text NOT NULL,
         units_served int NOT NULL DEFAULT 1,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.contracts (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         contract_number text NOT NULL,
         status text NOT NULL,
         billing_period text NOT NULL,
         start_date date NOT NULL,
         end_date date,
         final_reading_requested boolean NOT NULL DEFAULT false,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX contracts_toma ON ${S}.contracts (tenant_id, toma_id)`,
      `CREATE TABLE ${S}.meters (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         serial text NOT NULL,
         brand text,
         model text,
         diameter_mm int,
         meter_type text NOT NULL,
         device_eui text,
         register_digits int NOT NULL DEFAULT 5 CHECK (register_digits BETWEEN 1 AND 9),
         status text NOT NULL DEFAULT 'removed',
         toma_id uuid,
         installed_at timestamptz,
         removed_at timestamptz,
         replaced_by uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, serial)
       )`,
      `CREATE UNIQUE INDEX meters_eui ON ${S}.meters (tenant_id, device_eui) WHERE device_eui IS NOT NULL`,
      `CREATE INDEX meters_toma ON ${S}.meters (tenant_id, toma_id)`,
      `CREATE TABLE ${S}.reading_imports (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         file_name text,
         total_lines int NOT NULL,
         accepted int NOT NULL,
         flagged int NOT NULL,
         rejected jsonb NOT NULL,
         user_id text,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.readings (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         meter_id uuid NOT NULL REFERENCES ${S}.meters (id),
         toma_id uuid,
         value_m3 numeric(12,3),
         read_at timestamptz NOT NULL,
         source text NOT NULL,
         status text NOT NULL,
         consumption_m3 numeric(12,3),
         incidences text[] NOT NULL DEFAULT '{}',
         photo_url text,
         lat numeric(9,6),
         lng numeric(9,6),
         reader text,
         flags jsonb NOT NULL DEFAULT '[]',
         vee jsonb NOT NULL DEFAULT '{}',
         import_id uuid REFERENCES ${S}.reading_imports (id),
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, meter_id, read_at, source)
       )`,
      `CREATE INDEX readings_toma ON ${S}.readings (tenant_id, toma_id, read_at)`,
      `CREATE INDEX readings_meter ON ${S}.readings (tenant_id, meter_id, read_at)`,
      `CREATE INDEX readings_review ON ${S}.readings (tenant_id, created_at) WHERE status = 'flagged'`,
      `CREATE TABLE ${S}.reading_audit (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         reading_id uuid NOT NULL REFERENCES ${S}.readings (id),
         action text NOT NULL,
         old_value_m3 numeric(12,3),
         new_value_m3 numeric(12,3),
         old_status text NOT NULL,
         new_status text NOT NULL,
         reason text,
         user_id text,
         at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX reading_audit_reading ON ${S}.reading_audit (tenant_id, reading_id, at)`,
      `CREATE TABLE ${S}.daily_summaries (
         tenant_id uuid NOT NULL,
         meter_id uuid NOT NULL REFERENCES ${S}.meters (id),
         day date NOT NULL,
         toma_id uuid,
         first_register_m3 numeric(12,3) NOT NULL,
         last_register_m3 numeric(12,3) NOT NULL,
         consumption_m3 numeric(12,3) NOT NULL,
         min_night_flow_lps numeric(12,3),
         revision int NOT NULL DEFAULT 1,
         alarms text[] NOT NULL DEFAULT '{}',
         readings_count int NOT NULL,
         last_reading_at timestamptz,
         PRIMARY KEY (tenant_id, meter_id, day)
       )`,
      `CREATE TABLE ${S}.consumption_cursors (
         tenant_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         reading_id uuid REFERENCES ${S}.readings (id),
         pool_m3 numeric(12,3) NOT NULL DEFAULT 0,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, toma_id)
       )`,
      `CREATE TABLE ${S}.billable_consumptions (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         contract_id uuid,
         meter_id uuid,
         period text NOT NULL,
         period_start timestamptz NOT NULL,
         period_end timestamptz NOT NULL,
         consumption_m3 numeric(12,3) NOT NULL CHECK (consumption_m3 >= 0),
         measured_m3 numeric(12,3),
         estimated boolean NOT NULL,
         adjustment_m3 numeric(12,3) NOT NULL,
         method text NOT NULL,
         provenance jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, toma_id, period)
       )`,
      `CREATE TABLE ${S}.anomalies (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         meter_id uuid NOT NULL REFERENCES ${S}.meters (id),
         kind text NOT NULL,
         day date NOT NULL,
         evidence jsonb NOT NULL,
         detected_at timestamptz NOT NULL,
         UNIQUE (tenant_id, meter_id, kind, day)
       )`,
      ...tenantTablesRlsSql(S, TABLES),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, dropTenantTablesSql(S, TABLES));
  }
}
