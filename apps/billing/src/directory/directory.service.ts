import { Injectable } from '@nestjs/common';
import type { ContractSnapshotData, ContractTerminatedData, PersonSnapshotData, TomaSnapshotData } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';

/** What billing knows about one contract: the customer read model joined. */
export interface ContractProfile {
  contractId: string;
  contractNumber: string;
  status: string;
  tariffCategory: string;
  billingPeriod: string;
  endDate: string | null;
  tomaId: string;
  tomaNumber: string;
  billingType: string;
  unitsServed: number;
  personId: string;
  person: { name: string; rfc: string | null; regimenFiscal: string | null; usoCfdi: string | null; postalCode: string | null } | null;
}

export const PROFILE_SELECT = `
  c.id AS contract_id, c.contract_number, c.status AS contract_status, c.tariff_category, c.billing_period, c.end_date,
  t.id AS toma_id, t.toma_number, t.billing_type, t.units_served, c.person_id,
  p.name AS person_name, p.rfc AS person_rfc, p.regimen_fiscal AS person_regimen, p.uso_cfdi AS person_uso, p.postal_code AS person_cp`;

export const PROFILE_FROM = `billing.contracts c JOIN billing.tomas t ON t.id = c.toma_id LEFT JOIN billing.persons p ON p.id = c.person_id`;

export function profileFromRow(r: Record<string, unknown>): ContractProfile {
  const end = r.end_date as string | Date | null;
  return {
    contractId: r.contract_id as string,
    contractNumber: r.contract_number as string,
    status: r.contract_status as string,
    tariffCategory: r.tariff_category as string,
    billingPeriod: r.billing_period as string,
    endDate: end === null ? null : typeof end === 'string' ? end.slice(0, 10) : end.toISOString().slice(0, 10),
    tomaId: r.toma_id as string,
    tomaNumber: r.toma_number as string,
    billingType: r.billing_type as string,
    unitsServed: Number(r.units_served),
    personId: r.person_id as string,
    person:
      r.person_name === null || r.person_name === undefined
        ? null
        : {
            name: r.person_name as string,
            rfc: (r.person_rfc as string | null) ?? null,
            regimenFiscal: (r.person_regimen as string | null) ?? null,
            usoCfdi: (r.person_uso as string | null) ?? null,
            postalCode: (r.person_cp as string | null) ?? null,
          },
  };
}

/**
 * Billing's read model of persons, tomas and contracts, kept from customer events: billing never reads the
 * customer schema. Upserts are idempotent, so a redelivered or reordered snapshot converges.
 */
@Injectable()
export class DirectoryService {
  constructor(private readonly db: ServiceDatabase) {}

  upsertPerson(d: PersonSnapshotData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO billing.persons (id, tenant_id, person_type, name, rfc, regimen_fiscal, uso_cfdi, postal_code) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (id) DO UPDATE SET person_type = EXCLUDED.person_type, name = EXCLUDED.name, rfc = EXCLUDED.rfc,
           regimen_fiscal = EXCLUDED.regimen_fiscal, uso_cfdi = EXCLUDED.uso_cfdi, postal_code = EXCLUDED.postal_code, updated_at = now()`,
        [d.personId, TenantContext.tenantId(), d.personType, d.name, d.rfc ?? null, d.regimenFiscal ?? null, d.usoCfdi ?? null, d.postalCode ?? null],
      );
    });
  }

  upsertToma(d: TomaSnapshotData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO billing.tomas (id, tenant_id, toma_number, toma_type, status, billing_type, units_served, sector, route, postal_code)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
         ON CONFLICT (id) DO UPDATE SET toma_number = EXCLUDED.toma_number, toma_type = EXCLUDED.toma_type, status = EXCLUDED.status,
           billing_type = EXCLUDED.billing_type, units_served = EXCLUDED.units_served, sector = EXCLUDED.sector, route = EXCLUDED.route,
           postal_code = EXCLUDED.postal_code, updated_at = now()`,
        [d.tomaId, TenantContext.tenantId(), d.tomaNumber, d.tomaType, d.status, d.billingType, d.unitsServed, d.sector ?? null, d.route ?? null, d.postalCode],
      );
    });
  }

  upsertContract(d: ContractSnapshotData): Promise<void> {
    return this.db.tx(async (em) => {
      // A terminated contract stays terminated: a late snapshot must not bring it back.
      await em.query(
        `INSERT INTO billing.contracts (id, tenant_id, contract_number, toma_id, person_id, status, tariff_category, billing_period, start_date)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
         ON CONFLICT (id) DO UPDATE SET contract_number = EXCLUDED.contract_number, toma_id = EXCLUDED.toma_id, person_id = EXCLUDED.person_id,
           status = EXCLUDED.status, tariff_category = EXCLUDED.tariff_category, billing_period = EXCLUDED.billing_period,
           start_date = EXCLUDED.start_date, updated_at = now()
         WHERE contracts.status <> 'baja'`,
        [d.contractId, TenantContext.tenantId(), d.contractNumber, d.tomaId, d.personId, d.status, d.tariffCategory, d.billingPeriod, d.startDate],
      );
    });
  }

  /** Baja: the next invoice of the contract (from the final reading's billable consumption) is its final invoice. */
  terminate(d: ContractTerminatedData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `UPDATE billing.contracts SET status = 'baja', end_date = $2, updated_at = now() WHERE id = $1`,
        [d.contractId, d.effectiveDate],
      );
    });
  }

  setStatus(contractId: string, status: string): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(`UPDATE billing.contracts SET status = $2, updated_at = now() WHERE id = $1 AND status <> 'baja'`, [contractId, status]);
    });
  }

  async profile(contractId: string): Promise<ContractProfile | undefined> {
    const rows = (await this.db.manager().query(`SELECT ${PROFILE_SELECT} FROM ${PROFILE_FROM} WHERE c.id = $1`, [contractId])) as Record<string, unknown>[];
    return rows[0] ? profileFromRow(rows[0]) : undefined;
  }

  /** The contract holding a toma (metering may send consumption without a contract id). */
  async contractOfToma(tomaId: string): Promise<string | undefined> {
    const rows = (await this.db.manager().query(
      `SELECT id FROM billing.contracts WHERE toma_id = $1 ORDER BY (status = 'activo') DESC, start_date DESC LIMIT 1`,
      [tomaId],
    )) as Array<{ id: string }>;
    return rows[0]?.id;
  }
}
