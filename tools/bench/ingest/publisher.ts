// Child process of the ingestion benchmark: publishes readings with windowed async publishing.
// args: <natsUrl> <ns> <tenant> <meters> <perMeter> <batch> <rate (readings/s, 0 = as fast as possible)> <t0 ms | "now">
import { connect } from '@nats-io/transport-node';
import { createInbox, type Msg } from '@nats-io/nats-core';

async function main(): Promise<void> {
  const [url, ns, tenant, metersS, perMeterS, batchS, rateS, t0S] = process.argv.slice(2);
  const meters = Number(metersS);
  const perMeter = Number(perMeterS);
  const batch = Number(batchS);
  const rate = Number(rateS);
  const live = t0S === 'now';
  const t0 = live ? 0 : Number(t0S);
  const nc = await connect({ servers: url, name: 'bench-publisher' });
  const te = new TextEncoder();
  const td = new TextDecoder();
  const p = ns ? `${ns}.` : '';
  // Windowed JetStream publishing: every message still gets its PubAck from the stream (checked),
  // but acks come back on one wildcard subscription instead of one request (timer, inbox) each.
  const WINDOW = 4096;
  const inbox = createInbox();
  let sent = 0;
  let acked = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const acks = nc.subscribe(`${inbox}.*`, {
    callback: (_err: unknown, m: Msg) => {
      acked++;
      // An empty reply is "no responders" (no stream took the subject); {"error":…} a refusal.
      if (!m.data.length || m.data[2] === 0x65) failure ??= new Error(`publish refused: ${td.decode(m.data) || 'no stream'}`);
      if (wake && sent - acked <= WINDOW / 2) wake();
    },
  });
  // Waits only when the window is full: an await per message would flush the socket per message.
  const waitForRoom = async () => {
    while (sent - acked > WINDOW / 2) await new Promise<void>((r) => (wake = r));
    wake = undefined;
  };
  const send = (subject: string, body: unknown): Promise<void> | undefined => {
    if (failure) throw failure;
    nc.publish(subject, te.encode(JSON.stringify(body)), { reply: `${inbox}.${sent++}` });
    return sent - acked >= WINDOW ? waitForRoom() : undefined;
  };
  const started = Date.now();
  let readings = 0;
  let buf: Array<Record<string, unknown>> = [];
  const flush = () => {
    if (!buf.length) return undefined;
    const body = { readings: buf };
    buf = [];
    return send(`${p}telemetry.${tenant}.gw`, body);
  };
  const lastTs = new Array<number>(meters).fill(0);
  for (let i = 0; i < perMeter; i++) {
    for (let m = 0; m < meters; m++) {
      const meter = `B-${m}`;
      // Live runs stamp readings with their publish time (p99 publish -> committed); replays use a 15-minute grid.
      let ts = live ? Date.now() : t0 + i * 900_000;
      if (live && ts <= lastTs[m]) ts = lastTs[m] + 1;
      lastTs[m] = ts;
      const r = { ts: new Date(ts).toISOString(), registerM3: (i * 10 + (m % 1000)) / 1000 };
      readings++;
      if (batch <= 1) {
        const full = send(`${p}telemetry.${tenant}.${meter}`, r);
        if (full) await full;
      } else {
        buf.push({ meter, ...r });
        const full = buf.length >= batch ? flush() : undefined;
        if (full) await full;
      }
      if (rate > 0) {
        const ahead = readings / rate - (Date.now() - started) / 1000;
        if (ahead > 0.02) await new Promise((res) => setTimeout(res, ahead * 1000));
      }
    }
  }
  await flush();
  const deadline = Date.now() + 60_000;
  while (acked < sent && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
  if (failure) throw failure;
  if (acked < sent) throw new Error(`${sent - acked} publishes never acknowledged`);
  acks.unsubscribe();
  await nc.drain();
  process.stdout.write(JSON.stringify({ readings, ms: Date.now() - started }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
