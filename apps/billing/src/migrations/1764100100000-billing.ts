import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantTablesSql, runAll, tenantTablesRlsSql } from '@supra/platform/database';

const S = 'billing';
/** Tenant-owned tables, in creation order (dropped in reverse). */
const TABLES = [
  'tenant_settings',
  'folio_counters',
  'tariff_schedules',
  'persons',
  'tomas',
  'contracts',
  'consumptions',
  'bill_runs',
  'invoices',
  'invoice_lines',
  'stamp_queue',
  'payment_applications',
];

/**
 * Money is numeric(14,2) (unit prices numeric(18,6)), volumes numeric(12,3): never floats. Persons, tomas and
 * contracts are billing's read model fed by customer events; consumptions are kept from metering's billable
 * events. One invoice (kind I) per tenant, contract and period, enforced by a partial unique index that leaves
 * out substitutes (SAT reason 01) and rejected drafts.
 */
export class Billing1764100100000 implements MigrationInterface {
  name = 'Billing1764100100000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE ${S}.tenant_settings (
         tenant_id uuid PRIMARY KEY,
         rfc text NOT NULL,
         nombre text NOT NULL,
         regimen_fiscal text NOT NULL,
         lugar_expedicion text NOT NULL,
         serie text NOT NULL DEFAULT 'A',
         serie_credit_notes text NOT NULL DEFAULT 'NC',
         due_days int NOT NULL DEFAULT 15,
         time_zone text NOT NULL DEFAULT 'America/Mexico_City',
         hold_factor numeric(5,2) NOT NULL DEFAULT 3,
         csd_cer text,
         csd_no_certificado text,
         csd_valid_from timestamptz,
         csd_valid_to timestamptz,
         csd_key_enc text,
         csd_password_enc text,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.folio_counters (
         tenant_id uuid NOT NULL,
         serie text NOT NULL,
         next_folio bigint NOT NULL DEFAULT 1,
         PRIMARY KEY (tenant_id, serie)
       )`,
      `CREATE TABLE ${S}.tariff_schedules (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         schedule_id text NOT NULL,
         version int NOT NULL,
         name text NOT NULL,
         effective_from date NOT NULL,
         effective_to date,
         classes text[] NOT NULL,
         document jsonb NOT NULL,
         used boolean NOT NULL DEFAULT false,
         imported_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (tenant_id, schedule_id, version)
       )`,
      `CREATE INDEX tariff_schedules_effective ON ${S}.tariff_schedules (tenant_id, effective_from)`,
      `CREATE TABLE ${S}.persons (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         person_type text NOT NULL,
         name text NOT NULL,
         rfc text,
         regimen_fiscal text,
         uso_cfdi text,
         postal_code text,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.tomas (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_number text NOT NULL,
         toma_type text NOT NULL,
         status text NOT NULL,
         billing_type text NOT NULL,
         units_served int NOT NULL DEFAULT 1,
         sector text,
         route text,
         postal_code text,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${S}.contracts (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         contract_number text NOT NULL,
         toma_id uuid NOT NULL,
         person_id uuid NOT NULL,
         status text NOT NULL,
         tariff_category text NOT NULL,
         billing_period text NOT NULL,
         start_date date NOT NULL,
         end_date date,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX contracts_cycle ON ${S}.contracts (tenant_id, billing_period, id)`,
      `CREATE INDEX contracts_toma ON ${S}.contracts (tenant_id, toma_id)`,
      `CREATE TABLE ${S}.consumptions (
         tenant_id uuid NOT NULL,
         contract_id uuid NOT NULL,
         period text NOT NULL,
         billable_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         consumption_m3 numeric(12,3) NOT NULL,
         adjustment_m3 numeric(12,3) NOT NULL DEFAULT 0,
         estimated boolean NOT NULL,
         period_start timestamptz NOT NULL,
         period_end timestamptz NOT NULL,
         provenance jsonb NOT NULL,
         received_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, contract_id, period)
       )`,
      `CREATE INDEX consumptions_toma ON ${S}.consumptions (tenant_id, toma_id, period DESC)`,
      `CREATE TABLE ${S}.bill_runs (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         period text NOT NULL,
         sector text,
         route text,
         status text NOT NULL,
         processed int NOT NULL DEFAULT 0,
         issued int NOT NULL DEFAULT 0,
         held int NOT NULL DEFAULT 0,
         skipped int NOT NULL DEFAULT 0,
         failed int NOT NULL DEFAULT 0,
         skips jsonb NOT NULL DEFAULT '{}',
         total_amount numeric(16,2) NOT NULL DEFAULT 0,
         error text,
         started_at timestamptz NOT NULL DEFAULT now(),
         finished_at timestamptz
       )`,
      `CREATE TABLE ${S}.invoices (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         kind text NOT NULL CHECK (kind IN ('I', 'E')),
         status text NOT NULL,
         contract_id uuid NOT NULL,
         toma_id uuid NOT NULL,
         person_id uuid,
         period text NOT NULL,
         serie text,
         folio text,
         uuid uuid,
         subtotal numeric(14,2) NOT NULL,
         tax numeric(14,2) NOT NULL,
         total numeric(14,2) NOT NULL,
         paid_amount numeric(14,2) NOT NULL DEFAULT 0,
         credited_amount numeric(14,2) NOT NULL DEFAULT 0,
         -- Months of recargos already charged on later invoices for this one's overdue balance.
         surcharged_months int NOT NULL DEFAULT 0,
         consumption_m3 numeric(12,3),
         estimated boolean NOT NULL DEFAULT false,
         is_final boolean NOT NULL DEFAULT false,
         billable_id uuid,
         schedule_id text,
         schedule_version int,
         hold_reasons jsonb NOT NULL DEFAULT '[]',
         cfdi_input jsonb,
         xml text,
         stamped_xml text,
         pac_provider text,
         issued_at timestamptz,
         due_date date,
         stamped_at timestamptz,
         past_due_at timestamptz,
         cancelled_at timestamptz,
         cancel_reason text,
         substitutes_id uuid,
         substituted_by_id uuid,
         related_invoice_id uuid,
         bill_run_id uuid,
         review_note text,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      // The XML is already dense and written once: skip pglz on the hot bill-run insert path.
      `ALTER TABLE ${S}.invoices ALTER COLUMN xml SET STORAGE EXTERNAL`,
      `ALTER TABLE ${S}.invoices ALTER COLUMN stamped_xml SET STORAGE EXTERNAL`,
      `CREATE UNIQUE INDEX invoices_one_per_period ON ${S}.invoices (tenant_id, contract_id, period)
         WHERE kind = 'I' AND substitutes_id IS NULL AND status <> 'rejected'`,
      `CREATE UNIQUE INDEX invoices_one_substitute ON ${S}.invoices (tenant_id, substitutes_id) WHERE substitutes_id IS NOT NULL`,
      `CREATE INDEX invoices_list ON ${S}.invoices (tenant_id, created_at DESC, id)`,
      `CREATE INDEX invoices_contract ON ${S}.invoices (tenant_id, contract_id, period)`,
      `CREATE INDEX invoices_due ON ${S}.invoices (tenant_id, due_date) WHERE past_due_at IS NULL AND status IN ('issued', 'stamped', 'partially_paid')`,
      `CREATE INDEX invoices_review ON ${S}.invoices (tenant_id, created_at) WHERE status = 'draft'`,
      `CREATE INDEX invoices_bill_run ON ${S}.invoices (tenant_id, bill_run_id) WHERE bill_run_id IS NOT NULL`,
      `CREATE TABLE ${S}.invoice_lines (
         tenant_id uuid NOT NULL,
         invoice_id uuid NOT NULL REFERENCES ${S}.invoices (id) ON DELETE CASCADE,
         line_no int NOT NULL,
         kind text NOT NULL,
         concept_code text NOT NULL,
         description text NOT NULL,
         clave_prod_serv text NOT NULL,
         clave_unidad text NOT NULL,
         quantity numeric(18,6) NOT NULL,
         unit_price numeric(18,6) NOT NULL,
         amount numeric(14,2) NOT NULL,
         tax_object text NOT NULL,
         tax_factor text,
         tax_rate numeric(8,6),
         tax_amount numeric(14,2),
         source jsonb NOT NULL,
         PRIMARY KEY (invoice_id, line_no)
       )`,
      `CREATE TABLE ${S}.stamp_queue (
         invoice_id uuid PRIMARY KEY REFERENCES ${S}.invoices (id) ON DELETE CASCADE,
         tenant_id uuid NOT NULL,
         attempts int NOT NULL DEFAULT 0,
         next_attempt_at timestamptz NOT NULL DEFAULT now(),
         last_error text,
         enqueued_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX stamp_queue_due ON ${S}.stamp_queue (next_attempt_at)`,
      `CREATE TABLE ${S}.payment_applications (
         tenant_id uuid NOT NULL,
         payment_id uuid NOT NULL,
         invoice_id uuid NOT NULL,
         amount numeric(14,2) NOT NULL,
         applied_at timestamptz NOT NULL,
         PRIMARY KEY (tenant_id, payment_id, invoice_id)
       )`,
      ...tenantTablesRlsSql(S, TABLES),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, dropTenantTablesSql(S, TABLES));
  }
}
