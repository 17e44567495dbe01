// Child process of the ingestion benchmark: publishes readings with windowed async publishing.
// args: <natsUrl> <ns> <tenant> <meters> <perMeter> <batch> <rate (readings/s, 0 = as fast as possible)> <t0 ms | "now">
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';

async function main(): Promise<void> {
  const [url, ns, tenant, metersS, perMeterS, batchS, rateS, t0S] = process.argv.slice(2);
  const meters = Number(metersS);
  const perMeter = Number(perMeterS);
  const batch = Number(batchS);
  const rate = Number(rateS);
  const live = t0S === 'now';
  const t0 = live ? 0 : Number(t0S);
  const nc = await connect({ servers: url, name: 'bench-publisher' });
  const js = jetstream(nc, { timeout: 30_000 });
  const te = new TextEncoder();
  const p = ns ? `${ns}.` : '';
  const pending: Promise<unknown>[] = [];
  const started = Date.now();
  let readings = 0;
  let buf: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (!buf.length) return;
    pending.push(js.publish(`${p}telemetry.${tenant}.gw`, te.encode(JSON.stringify({ readings: buf }))));
    buf = [];
    if (pending.length >= 256) await Promise.all(pending.splice(0, 128));
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
        pending.push(js.publish(`${p}telemetry.${tenant}.${meter}`, te.encode(JSON.stringify(r))));
        if (pending.length >= 2048) await Promise.all(pending.splice(0, 1024));
      } else {
        buf.push({ meter, ...r });
        if (buf.length >= batch) await flush();
      }
      if (rate > 0) {
        const ahead = readings / rate - (Date.now() - started) / 1000;
        if (ahead > 0.02) await new Promise((res) => setTimeout(res, ahead * 1000));
      }
    }
  }
  await flush();
  await Promise.all(pending);
  await nc.drain();
  process.stdout.write(JSON.stringify({ readings, ms: Date.now() - started }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
