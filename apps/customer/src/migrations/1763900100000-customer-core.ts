import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  ARCO_RIGHTS,
  ARCO_STATUSES,
  BILLING_PERIODS,
  BILLING_TYPES,
  CONTRACT_STATUSES,
  HOLDER_CHANGE_KINDS,
  PAYMENT_METHODS,
  PERSON_TYPES,
  TOMA_STATUSES,
  TOMA_TYPES,
  VULNERABILITY_KINDS,
} from '@supra/contracts';
import { dropTenantTablesSql, runAll, tenantTablesRlsSql } from '@supra/platform/database';

const oneOf = (col: string, values: readonly string[]): string => `CHECK (${col} IN (${values.map((v) => `'${v}'`).join(', ')}))`;

const TABLES = ['counters', 'persons', 'person_vulnerabilities', 'addresses', 'tomas', 'contracts', 'holder_changes', 'arco_requests'];

/**
 * Persons, addresses, tomas, contracts, holder changes, ARCO requests and the per-tenant counters.
 * Search uses pg_trgm over an accent-free, lower-cased copy of the name: `unaccent()` is only
 * STABLE (it reads a dictionary), so an IMMUTABLE wrapper naming the dictionary explicitly is what
 * a generated column and an index may use.
 */
export class CustomerCore1763900100000 implements MigrationInterface {
  name = 'CustomerCore1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`,
      `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`,
      `CREATE FUNCTION customer.f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`,
      `CREATE FUNCTION customer.search_key(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT lower(customer.f_unaccent($1)) $$`,

      `CREATE TABLE customer.counters (
         tenant_id uuid NOT NULL,
         name text NOT NULL,
         next bigint NOT NULL CHECK (next >= 1),
         PRIMARY KEY (tenant_id, name)
       )`,

      `CREATE TABLE customer.persons (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         person_type text NOT NULL ${oneOf('person_type', PERSON_TYPES)},
         name text NOT NULL,
         first_name text,
         last_name_paterno text,
         last_name_materno text,
         rfc text,
         curp text,
         email text,
         phone text,
         phone_digits text,
         regimen_fiscal text,
         uso_cfdi text,
         postal_code text,
         contact_channels jsonb NOT NULL DEFAULT '[]',
         privacy_notice_version text,
         privacy_notice_accepted_at timestamptz,
         name_key text GENERATED ALWAYS AS (customer.search_key(name)) STORED,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         CHECK (person_type = 'fisica' OR curp IS NULL)
       )`,
      // One holder per RFC/CURP per tenant; the generic RFCs are shared by design.
      `CREATE UNIQUE INDEX persons_rfc_unique ON customer.persons (tenant_id, rfc) WHERE rfc IS NOT NULL AND rfc NOT IN ('XAXX010101000', 'XEXX010101000')`,
      `CREATE UNIQUE INDEX persons_curp_unique ON customer.persons (tenant_id, curp) WHERE curp IS NOT NULL`,
      `CREATE INDEX persons_name_trgm ON customer.persons USING gin (name_key gin_trgm_ops)`,
      `CREATE INDEX persons_rfc_prefix ON customer.persons (tenant_id, rfc text_pattern_ops)`,
      `CREATE INDEX persons_curp_prefix ON customer.persons (tenant_id, curp text_pattern_ops)`,
      `CREATE INDEX persons_phone ON customer.persons (tenant_id, phone_digits)`,
      `CREATE INDEX persons_tenant_created ON customer.persons (tenant_id, created_at, id)`,

      `CREATE TABLE customer.person_vulnerabilities (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         person_id uuid NOT NULL REFERENCES customer.persons (id) ON DELETE CASCADE,
         kind text NOT NULL ${oneOf('kind', VULNERABILITY_KINDS)},
         evidence text NOT NULL,
         valid_from date NOT NULL,
         valid_until date,
         recorded_by text,
         created_at timestamptz NOT NULL DEFAULT now(),
         CHECK (valid_until IS NULL OR valid_until >= valid_from)
       )`,
      `CREATE INDEX person_vulnerabilities_person ON customer.person_vulnerabilities (person_id)`,

      `CREATE TABLE customer.addresses (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         street text NOT NULL,
         exterior_number text NOT NULL,
         interior_number text,
         colonia text NOT NULL,
         municipality text NOT NULL,
         state text NOT NULL,
         postal_code text NOT NULL,
         "references" text,
         search_key text GENERATED ALWAYS AS (customer.search_key(street || ' ' || exterior_number || ' ' || colonia)) STORED,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX addresses_search_trgm ON customer.addresses USING gin (search_key gin_trgm_ops)`,

      `CREATE TABLE customer.tomas (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         toma_number text NOT NULL,
         address_id uuid NOT NULL REFERENCES customer.addresses (id),
         toma_type text NOT NULL ${oneOf('toma_type', TOMA_TYPES)},
         status text NOT NULL ${oneOf('status', TOMA_STATUSES)},
         billing_type text NOT NULL ${oneOf('billing_type', BILLING_TYPES)},
         units_served integer NOT NULL DEFAULT 1 CHECK (units_served >= 1),
         sector text,
         route text,
         latitude double precision CHECK (latitude BETWEEN -90 AND 90),
         longitude double precision CHECK (longitude BETWEEN -180 AND 180),
         notes text,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT tomas_number_unique UNIQUE (tenant_id, toma_number)
       )`,
      `CREATE INDEX tomas_filters ON customer.tomas (tenant_id, status, toma_type)`,
      `CREATE INDEX tomas_sector_route ON customer.tomas (tenant_id, sector, route)`,
      `CREATE INDEX tomas_address ON customer.tomas (address_id)`,

      `CREATE TABLE customer.contracts (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         contract_number text NOT NULL,
         toma_id uuid NOT NULL REFERENCES customer.tomas (id),
         person_id uuid NOT NULL REFERENCES customer.persons (id),
         status text NOT NULL ${oneOf('status', CONTRACT_STATUSES)},
         tariff_category text NOT NULL ${oneOf('tariff_category', TOMA_TYPES)},
         billing_period text NOT NULL ${oneOf('billing_period', BILLING_PERIODS)},
         payment_method text NOT NULL ${oneOf('payment_method', PAYMENT_METHODS)},
         start_date date NOT NULL,
         end_date date,
         termination_reason text,
         suspension_reason text,
         previous_contract_id uuid REFERENCES customer.contracts (id),
         notes text,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT contracts_number_unique UNIQUE (tenant_id, contract_number),
         CHECK (status <> 'baja' OR end_date IS NOT NULL)
       )`,
      // The rule "one live contract per toma" holds even against concurrent altas.
      `CREATE UNIQUE INDEX contracts_one_active_per_toma ON customer.contracts (tenant_id, toma_id) WHERE status IN ('activo', 'suspendido')`,
      `CREATE INDEX contracts_person ON customer.contracts (tenant_id, person_id)`,
      `CREATE INDEX contracts_toma ON customer.contracts (tenant_id, toma_id)`,

      `CREATE TABLE customer.holder_changes (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         kind text NOT NULL ${oneOf('kind', HOLDER_CHANGE_KINDS)},
         from_contract_id uuid NOT NULL REFERENCES customer.contracts (id),
         to_contract_id uuid NOT NULL REFERENCES customer.contracts (id),
         from_person_id uuid NOT NULL REFERENCES customer.persons (id),
         to_person_id uuid NOT NULL REFERENCES customer.persons (id),
         transfer_debt boolean NOT NULL,
         debt_amount numeric(14, 2) CHECK (debt_amount >= 0),
         reason text,
         effective_date date NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,

      `CREATE TABLE customer.arco_requests (
         id uuid PRIMARY KEY,
         tenant_id uuid NOT NULL,
         folio text NOT NULL,
         person_id uuid NOT NULL REFERENCES customer.persons (id),
         "right" text NOT NULL ${oneOf('"right"', ARCO_RIGHTS)},
         status text NOT NULL ${oneOf('status', ARCO_STATUSES)},
         description text NOT NULL,
         channel text,
         received_at timestamptz NOT NULL,
         due_date date NOT NULL,
         resolution text,
         resolved_at timestamptz,
         export jsonb,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT arco_folio_unique UNIQUE (tenant_id, folio)
       )`,
      `CREATE INDEX arco_open_due ON customer.arco_requests (tenant_id, status, due_date)`,
      ...tenantTablesRlsSql('customer', TABLES),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      ...dropTenantTablesSql('customer', TABLES),
      `DROP FUNCTION customer.search_key(text)`,
      `DROP FUNCTION customer.f_unaccent(text)`,
      // The extensions stay: other schemas of the same database may use them.
    ]);
  }
}
