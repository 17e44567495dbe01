// Worker thread: builds and seals batches of CFDIs (RSA-2048 signing is the CPU cost of a bill run).
import { parentPort } from 'node:worker_threads';
import type { CfdiInput, SealingCredentials } from '../cfdi';
import { sealOne } from './seal';

interface Job {
  id: number;
  cred: SealingCredentials;
  inputs: CfdiInput[];
}

parentPort?.on('message', (job: Job) => {
  parentPort?.postMessage({ id: job.id, outcomes: job.inputs.map((i) => sealOne(i, job.cred)) });
});
