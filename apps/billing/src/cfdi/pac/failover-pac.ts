import { PacError, PacUnavailableError } from './pac.errors';
import type { CancelMotivo, CancelResult, CancelSigner, PacProvider, StampResult, StatusQuery, StatusResult } from './pac.types';

/**
 * Several PACs in priority order. A transient failure (PacUnavailableError) moves on to the next provider; a
 * rejection (PacRejectedError) is final and is thrown at once — the same XML would be rejected everywhere, and
 * trying it elsewhere only burns stamps. When every provider is unavailable the caller gets one
 * PacUnavailableError listing each attempt, and puts the invoice in its retry queue.
 *
 * Retries of the same CFDI should come back through this class: the first provider that is up will either stamp
 * it or, if it had stamped it before the response was lost, return the original stamp (Finkok code 307).
 */
export class FailoverPac implements PacProvider {
  readonly name: string;

  constructor(private readonly providers: PacProvider[]) {
    if (providers.length === 0) throw new Error('FailoverPac needs at least one provider');
    this.name = `failover(${providers.map((p) => p.name).join(',')})`;
  }

  private async run<T>(op: string, fn: (p: PacProvider) => Promise<T>): Promise<T> {
    const attempts: { provider: string; reason: string }[] = [];
    for (const p of this.providers) {
      try {
        return await fn(p);
      } catch (err) {
        if (err instanceof PacError && !err.transient) throw err;
        if (!(err instanceof PacUnavailableError)) throw err;
        attempts.push({ provider: p.name, reason: err.message });
      }
    }
    throw new PacUnavailableError(`Every PAC is unavailable for ${op}`, this.name, attempts);
  }

  stamp(xml: string): Promise<StampResult> {
    return this.run('stamp', (p) => p.stamp(xml));
  }

  cancel(uuid: string, rfcEmisor: string, motivo: CancelMotivo, folioSustitucion?: string, signer?: CancelSigner): Promise<CancelResult> {
    return this.run('cancel', (p) => p.cancel(uuid, rfcEmisor, motivo, folioSustitucion, signer));
  }

  status(uuid: string, query?: StatusQuery): Promise<StatusResult> {
    return this.run('status', (p) => p.status(uuid, query));
  }
}
