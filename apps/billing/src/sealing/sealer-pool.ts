import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CfdiInput, SealingCredentials } from '../cfdi';
import { sealOne, type SealOutcome } from './seal';

interface Pending {
  resolve(o: SealOutcome[]): void;
  reject(e: unknown): void;
}

/**
 * Seals CFDIs on worker threads: a batch is split into one chunk per worker, so a bill run signs on every
 * core while the main thread rates, builds rows and writes. With 0 workers it seals inline (tests, tiny
 * tenants). The private key travels as a KeyObject (cloneable between threads), never as PEM text.
 */
export class SealerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private rr = 0;

  constructor(readonly size: number) {
    const ts = join(__dirname, 'seal-worker.ts');
    const js = join(__dirname, 'seal-worker.js');
    // Under swc (tests, `node -r @swc-node/register`) the worker is TypeScript too; compiled builds ship .js.
    const file = existsSync(js) ? js : ts;
    // Started with swc (`node -r @swc-node/register`), workers inherit the parent's flags (e.g. --cpu-prof).
    const inherit = !file.endsWith('.ts') || process.execArgv.includes('@swc-node/register');
    const execArgv = inherit ? undefined : ['-r', '@swc-node/register'];
    for (let i = 0; i < size; i++) {
      const w = new Worker(file, { execArgv });
      w.on('message', (m: { id: number; outcomes: SealOutcome[] }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.outcomes);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  async seal(inputs: CfdiInput[], cred: SealingCredentials): Promise<SealOutcome[]> {
    if (this.workers.length === 0 || inputs.length === 0) return inputs.map((i) => sealOne(i, cred));
    const n = Math.min(this.workers.length, inputs.length);
    const chunk = Math.ceil(inputs.length / n);
    const parts: Promise<SealOutcome[]>[] = [];
    for (let i = 0; i < inputs.length; i += chunk) {
      const id = this.nextId++;
      const worker = this.workers[this.rr++ % this.workers.length];
      parts.push(
        new Promise<SealOutcome[]>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, cred, inputs: inputs.slice(i, i + chunk) });
        }),
      );
    }
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
