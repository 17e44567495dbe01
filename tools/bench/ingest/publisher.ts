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
  // Messages awaiting their PubAck, by reply index: a full stream refuses (back-pressure) and the
  // message is sent again, as a gateway would.
  const inFlight = new Map<number, { subject: string; data: Uint8Array }>();
  const refused: Array<{ subject: string; data: Uint8Array }> = [];
  let refusals = 0;
  let streak = 0; // refusals since the last stored message: the pause grows while the stream stays full
  const acks = nc.subscribe(`${inbox}.*`, {
    callback: (_err: unknown, m: Msg) => {
      acked++;
      const i = Number(m.subject.slice(inbox.length + 1));
      const msg = inFlight.get(i);
      inFlight.delete(i);
      // An empty reply is "no responders" (no stream took the subject); {"error":…} a refusal.
      if (!m.data.length || m.data[2] === 0x65) {
        const text = td.decode(m.data);
        if (msg && /maximum (bytes|messages)/.test(text)) {
          refusals++;
          streak++;
          refused.push(msg);
        } else failure ??= new Error(`publish refused: ${text || 'no stream'}`);
      } else streak = 0;
      if (wake && sent - acked <= WINDOW / 2) wake();
    },
  });
  // Waits only when the window is full: an await per message would flush the socket per message.
  const waitForRoom = async () => {
    while (sent - acked > WINDOW / 2) await new Promise<void>((r) => (wake = r));
    wake = undefined;
  };
  const publishRaw = (subject: string, data: Uint8Array) => {
    inFlight.set(sent, { subject, data });
    nc.publish(subject, data, { reply: `${inbox}.${sent++}` });
  };
  // Refused messages go again first, after a pause that lets the consumer drain the stream.
  const resendRefused = async () => {
    while (refused.length) {
      await new Promise((res) => setTimeout(res, Math.min(1_000, 20 * 2 ** Math.min(6, Math.floor(streak / 1000)))));
      for (const m of refused.splice(0)) publishRaw(m.subject, m.data);
      await waitForRoom();
    }
  };
  const send = (subject: string, body: unknown): Promise<void> | undefined => {
    if (failure) throw failure;
    if (refused.length) return resendRefused().then(() => send(subject, body));
    publishRaw(subject, te.encode(JSON.stringify(body)));
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
  let deadline = Date.now() + 60_000;
  while ((acked < sent || refused.length) && Date.now() < deadline) {
    if (refused.length) {
      await resendRefused();
      deadline = Date.now() + 60_000;
    }
    await new Promise((res) => setTimeout(res, 5));
  }
  if (failure) throw failure;
  if (acked < sent) throw new Error(`${sent - acked} publishes never acknowledged`);
  acks.unsubscribe();
  await nc.drain();
  process.stdout.write(JSON.stringify({ readings, ms: Date.now() - started, startedAt: started, refusals }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
