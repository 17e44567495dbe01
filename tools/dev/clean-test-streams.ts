// Deletes JetStream streams left by test runs. Test namespaces (libs/platform/testing,
// testNamespace()) give every stream a `T_` prefix; each reserves its max_bytes, so leftovers from
// killed runs would exhaust the server's storage for the next one. Production streams have no prefix.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

async function main(): Promise<void> {
  const nc = await connect({ servers: process.env.SUPRA_TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await jetstreamManager(nc);
    let deleted = 0;
    let kept = 0;
    // A stream written or created lately may belong to a run still going (a benchmark beside a
    // test run lost its stream, and its database with it): left for a later clean-up, unless this
    // test run created it (SUPRA_TEST_RUN_STARTED_MS, set by test.sh for its closing clean-up).
    const recent = Date.now() - 10 * 60_000;
    const ours = Number(process.env.SUPRA_TEST_RUN_STARTED_MS ?? Infinity);
    for await (const s of jsm.streams.list()) {
      if (!s.config.name.startsWith('T_')) continue;
      const created = Date.parse(s.created);
      if (created < ours && (Date.parse(s.state.last_ts) > recent || created > recent)) {
        kept++;
        continue;
      }
      await jsm.streams.delete(s.config.name);
      deleted++;
    }
    if (deleted) console.log(`removed ${deleted} test stream(s) left by earlier runs`);
    if (kept) console.log(`kept ${kept} test stream(s) active in the last 10 minutes (a run may still be going)`);
  } finally {
    await nc.close();
  }
}

main().catch((e) => {
  console.error(`could not clean test streams: ${(e as Error).message}`);
  process.exit(0); // never fails the run by itself
});
