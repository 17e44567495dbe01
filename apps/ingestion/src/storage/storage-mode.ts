import type { ReadinessCheck } from '@supra/platform/runtime';

export type StorageMode = 'timescaledb' | 'native';

export interface StorageStatus {
  mode?: StorageMode;
  lastMaintenance?: { at: string; result: unknown };
  error?: string;
}

/**
 * The storage mode as found at boot, for /health/ready. Process-wide because the service
 * definition's readiness checks are declared before any provider exists.
 */
export const storageStatus: StorageStatus = {};

export const storageReadiness: ReadinessCheck = {
  name: 'telemetryStorage',
  check: async () => ({ ok: storageStatus.mode !== undefined && !storageStatus.error, detail: { ...storageStatus } }),
};
