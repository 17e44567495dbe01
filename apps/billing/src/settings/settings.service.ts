import { Inject, Injectable } from '@nestjs/common';
import type { FinalProration, FiscalSettingsView, UpdateFiscalSettingsRequest } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { TenantContext } from '@supra/platform/tenancy';
import { decryptSecret, encryptSecret, loadCsd, parseCertificate, type SealingCredentials } from '../cfdi';
import { BillingErrors, mapErrors } from '../shared/billing.errors';
import { secretKeyOf, type BillingEnv } from '../shared/billing.env';

/** Everything issuing needs about the tenant, with the CSD key decrypted once and kept in memory. */
export interface TenantBilling {
  tenantId: string;
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  lugarExpedicion: string;
  serie: string;
  serieCreditNotes: string;
  dueDays: number;
  timeZone: string;
  holdFactor: string;
  /** Final invoice at termination: fixed charges by days served ('daily') or in full ('none'). */
  finalProration: FinalProration;
  credentials: SealingCredentials;
}

interface SettingsRow {
  tenant_id: string;
  rfc: string;
  nombre: string;
  regimen_fiscal: string;
  lugar_expedicion: string;
  serie: string;
  serie_credit_notes: string;
  due_days: number;
  time_zone: string;
  hold_factor: string;
  final_proration: FinalProration;
  csd_cer: string | null;
  csd_no_certificado: string | null;
  csd_valid_from: Date | null;
  csd_valid_to: Date | null;
  csd_key_enc: string | null;
  csd_password_enc: string | null;
}

/**
 * Tenant fiscal data (the CFDI emisor), due-date and hold policy, and the CSD. The .key and its password are
 * stored AES-256-GCM encrypted with SUPRA_SECRET_KEY, bound to the tenant id (AAD), so a row copied to another
 * tenant does not decrypt.
 */
@Injectable()
export class SettingsService {
  private readonly cache = new Map<string, TenantBilling>();

  constructor(
    private readonly db: ServiceDatabase,
    @Inject(SERVICE_ENV) private readonly env: BillingEnv,
  ) {}

  update(dto: UpdateFiscalSettingsRequest): Promise<FiscalSettingsView> {
    return mapErrors(() =>
      this.db.tx(async (em) => {
        const tenantId = TenantContext.tenantId();
        const key = secretKeyOf(this.env);
        let csd: { cer: string; noCertificado: string; validFrom: Date; validTo: Date; keyEnc: string; pwdEnc: string } | undefined;
        if (dto.csd) {
          const cer = Buffer.from(dto.csd.cer, 'base64');
          const keyDer = Buffer.from(dto.csd.key, 'base64');
          // Fails with BILLING.CSD_* when the password is wrong or the key is not the certificate's.
          const loaded = loadCsd({ cer, key: keyDer, password: dto.csd.password });
          csd = {
            cer: loaded.certificadoBase64,
            noCertificado: loaded.noCertificado,
            validFrom: loaded.validFrom,
            validTo: loaded.validTo,
            keyEnc: encryptSecret(keyDer, key, `${tenantId}:csd-key`),
            pwdEnc: encryptSecret(dto.csd.password, key, `${tenantId}:csd-password`),
          };
        }
        await em.query(
          `INSERT INTO billing.tenant_settings (tenant_id, rfc, nombre, regimen_fiscal, lugar_expedicion, serie, serie_credit_notes, due_days,
             time_zone, hold_factor, csd_cer, csd_no_certificado, csd_valid_from, csd_valid_to, csd_key_enc, csd_password_enc, final_proration)
           VALUES ($1,$2,$3,$4,$5,COALESCE($6,'A'),COALESCE($7,'NC'),COALESCE($8,15),COALESCE($9,'America/Mexico_City'),COALESCE($10,3),
                   $11,$12,$13,$14,$15,$16,COALESCE($17,'daily'))
           ON CONFLICT (tenant_id) DO UPDATE SET rfc = EXCLUDED.rfc, nombre = EXCLUDED.nombre, regimen_fiscal = EXCLUDED.regimen_fiscal,
             lugar_expedicion = EXCLUDED.lugar_expedicion,
             serie = COALESCE($6, tenant_settings.serie), serie_credit_notes = COALESCE($7, tenant_settings.serie_credit_notes),
             due_days = COALESCE($8, tenant_settings.due_days), time_zone = COALESCE($9, tenant_settings.time_zone),
             hold_factor = COALESCE($10, tenant_settings.hold_factor),
             csd_cer = COALESCE($11, tenant_settings.csd_cer), csd_no_certificado = COALESCE($12, tenant_settings.csd_no_certificado),
             csd_valid_from = COALESCE($13, tenant_settings.csd_valid_from), csd_valid_to = COALESCE($14, tenant_settings.csd_valid_to),
             csd_key_enc = COALESCE($15, tenant_settings.csd_key_enc), csd_password_enc = COALESCE($16, tenant_settings.csd_password_enc),
             final_proration = COALESCE($17, tenant_settings.final_proration), updated_at = now()`,
          [
            tenantId, dto.rfc, dto.nombre, dto.regimenFiscal, dto.lugarExpedicion, dto.serie ?? null, dto.serieCreditNotes ?? null,
            dto.dueDays ?? null, dto.timeZone ?? null, dto.holdFactor ?? null, csd?.cer ?? null, csd?.noCertificado ?? null,
            csd?.validFrom ?? null, csd?.validTo ?? null, csd?.keyEnc ?? null, csd?.pwdEnc ?? null, dto.finalProration ?? null,
          ],
        );
        this.cache.delete(tenantId);
        return this.get();
      }),
    );
  }

  async get(): Promise<FiscalSettingsView> {
    const row = await this.row();
    if (!row) throw BillingErrors.settingsMissing();
    const cert = row.csd_cer ? parseCertificate(Buffer.from(row.csd_cer, 'base64')) : undefined;
    return {
      rfc: row.rfc,
      nombre: row.nombre,
      regimenFiscal: row.regimen_fiscal,
      lugarExpedicion: row.lugar_expedicion,
      serie: row.serie,
      serieCreditNotes: row.serie_credit_notes,
      dueDays: row.due_days,
      timeZone: row.time_zone,
      holdFactor: String(row.hold_factor),
      finalProration: row.final_proration,
      csd: cert
        ? { noCertificado: cert.noCertificado, rfc: cert.rfc, validFrom: cert.validFrom.toISOString(), validTo: cert.validTo.toISOString() }
        : null,
    };
  }

  /** The tenant's issuing data with its decrypted key (cached per process; refreshed when settings change). */
  async forIssuing(): Promise<TenantBilling> {
    const tenantId = TenantContext.tenantId();
    const hit = this.cache.get(tenantId);
    if (hit) return hit;
    const row = await this.row();
    if (!row || !row.csd_key_enc || !row.csd_password_enc || !row.csd_cer) throw BillingErrors.settingsMissing();
    const key = secretKeyOf(this.env);
    const credentials = await mapErrors(() => {
      const keyDer = decryptSecret(row.csd_key_enc!, key, `${tenantId}:csd-key`);
      const password = decryptSecret(row.csd_password_enc!, key, `${tenantId}:csd-password`).toString('utf8');
      const csd = loadCsd({ cer: Buffer.from(row.csd_cer!, 'base64'), key: keyDer, password });
      return { noCertificado: csd.noCertificado, certificadoBase64: csd.certificadoBase64, privateKey: csd.privateKey };
    });
    const tb: TenantBilling = {
      tenantId,
      emisor: { rfc: row.rfc, nombre: row.nombre, regimenFiscal: row.regimen_fiscal },
      lugarExpedicion: row.lugar_expedicion,
      serie: row.serie,
      serieCreditNotes: row.serie_credit_notes,
      dueDays: row.due_days,
      timeZone: row.time_zone,
      holdFactor: String(row.hold_factor),
      finalProration: row.final_proration,
      credentials,
    };
    this.cache.set(tenantId, tb);
    return tb;
  }

  private async row(): Promise<SettingsRow | undefined> {
    const rows = (await this.db.tx((em) =>
      em.query(`SELECT * FROM billing.tenant_settings WHERE tenant_id = $1`, [TenantContext.tenantId()]),
    )) as SettingsRow[];
    return rows[0];
  }
}
