// npm run meter-sim -- --tenant demo --meters N --rate R [--duration s] [--batch 100] [--interval-min 15] [--ns ''] [--seed 1]
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { advance, DEFAULT_FAULTS, makeMeters, malformed, rng, type SimReading } from './profiles';

function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) if (a[i].startsWith('--')) out[a[i].slice(2)] = a[i + 1]?.startsWith('--') || a[i + 1] === undefined ? 'true' : a[++i];
  return out;
}

async function main(): Promise<void> {
  const o = args();
  const tenant = o.tenant ?? 'demo';
  const n = Number(o.meters ?? 1000);
  const rate = Number(o.rate ?? 1000); // readings per second
  const duration = Number(o.duration ?? 0); // 0 = forever
  const batch = Number(o.batch ?? 1);
  const intervalS = Number(o['interval-min'] ?? 15) * 60;
  const ns = o.ns ?? process.env.SUPRA_NAMESPACE ?? '';
  const window = Number(o.window ?? 1000);
  const random = rng(Number(o.seed ?? 1));
  const meters = makeMeters(n, random);
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'meter-sim' });
  const js = jetstream(nc);
  const te = new TextEncoder();
  const subject = (m: string) => `${ns ? `${ns}.` : ''}telemetry.${tenant}.${m}`;
  // Simulated time runs ahead so every meter reports once per interval at the requested rate.
  let simMs = Date.now() - Math.ceil(n / rate) * 1000;
  const stepMs = (intervalS * 1000) / n;
  let sent = 0;
  let readings = 0;
  const pending: Promise<unknown>[] = [];
  const started = Date.now();
  const held: SimReading[] = [];
  let refusals = 0;
  // Like a gateway: a message the stream refuses (full: it pushes back; or unreachable) is sent again
  // until it is stored, under the same message id so the stream drops a copy that did get through.
  const publishUntilStored = async (subj: string, data: Uint8Array) => {
    const msgID = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        return await js.publish(subj, data, { msgID });
      } catch (e) {
        if (refusals++ % 1000 === 0) console.error(`meter-sim: publish refused, retrying: ${(e as Error).message}`);
        await new Promise((res) => setTimeout(res, Math.min(5_000, 50 * 2 ** Math.min(attempt, 7))));
      }
    }
  };
  const send = async (subj: string, body: string) => {
    pending.push(publishUntilStored(subj, te.encode(body)));
    sent++;
    if (pending.length >= window) await Promise.all(pending.splice(0));
  };
  let i = 0;
  let buffer: SimReading[] = [];
  while (!duration || Date.now() - started < duration * 1000) {
    const m = meters[i % n];
    simMs += stepMs;
    const r = advance(m, simMs, intervalS, random);
    i++;
    readings++;
    if (random() < DEFAULT_FAULTS.outOfOrder) held.push(r);
    else buffer.push(r);
    if (random() < DEFAULT_FAULTS.duplicate) buffer.push(r);
    if (held.length > 20) buffer.push(held.shift()!);
    if (buffer.length >= batch) {
      if (random() < DEFAULT_FAULTS.malformed) await send(subject(m.id), malformed(random));
      if (batch === 1) for (const x of buffer) await send(subject(x.meter), JSON.stringify({ ...x, meter: undefined }));
      else await send(subject('gw'), JSON.stringify({ readings: buffer }));
      buffer = [];
    }
    // Pace to the requested readings per second.
    const ahead = readings / rate - (Date.now() - started) / 1000;
    if (ahead > 0.05) await new Promise((res) => setTimeout(res, ahead * 1000));
    if (readings % (rate * 5) === 0) console.log(`meter-sim: ${readings} readings in ${sent} messages, ${Math.round(readings / ((Date.now() - started) / 1000))}/s`);
  }
  await Promise.all(pending);
  await nc.drain();
  console.log(`meter-sim: done, ${readings} readings in ${sent} messages`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
