// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { BaseServiceEnv } from '@supra/platform/config';

/** Development-only key (public, in the repository): never accepted when NODE_ENV=production. */
export const DEV_SECRET_KEY = '5375707261446576656c6f706d656e744b65794e6f74466f7250726f64213031';

export class BillingEnv extends BaseServiceEnv {
  /** 32 bytes (64 hex or base64): encrypts each tenant's CSD key and password at rest (AES-256-GCM). */
  @ValidateIf((e: BillingEnv) => e.NODE_ENV === 'production' || e.SUPRA_SECRET_KEY !== undefined)
  @IsDefined({ message: 'SUPRA_SECRET_KEY is required in production' })
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { message: 'SUPRA_SECRET_KEY must be 32 bytes as 64 hex characters or base64' })
  SUPRA_SECRET_KEY?: string;

  /**
   * PACs in priority order, comma separated: `simulator` (an in-process PAC simulator, development and tests)
   * or `finkok:<url>` entries (credentials in FINKOK_USERNAME / FINKOK_PASSWORD).
   */
  @IsString()
  PAC_PROVIDERS: string = 'simulator';

  @IsOptional()
  @IsString()
  FINKOK_USERNAME?: string;

  @IsOptional()
  @IsString()
  FINKOK_PASSWORD?: string;

  /** Stamping worker poll interval; 0 disables the worker (a test drives it by hand). */
  @IsInt()
  @Min(0)
  BILLING_STAMP_INTERVAL_MS: number = 500;

  /** Past-due scheduler interval; 0 disables it (invoices.mark-past-due still works). */
  @IsInt()
  @Min(0)
  BILLING_PAST_DUE_INTERVAL_MS: number = 3_600_000;

  /** Worker threads that seal CFDIs in bill runs (RSA-2048 signing is CPU-bound); 0 seals on the main thread. */
  @IsInt()
  @Min(0)
  @Max(32)
  BILLING_SEAL_WORKERS: number = 2;

  /** Contracts per bill-run batch (one transaction each). */
  @IsInt()
  @Min(1)
  @Max(5000)
  BILLING_BATCH_SIZE: number = 500;

  @IsIn(['true', 'false'])
  BILLING_STAMP_ON_ISSUE: 'true' | 'false' = 'true';
}

export function secretKeyOf(env: BillingEnv): string {
  if (env.SUPRA_SECRET_KEY) return env.SUPRA_SECRET_KEY;
  if (env.NODE_ENV === 'production') throw new Error('SUPRA_SECRET_KEY is required in production');
  return DEV_SECRET_KEY;
}
