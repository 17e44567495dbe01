import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from '@supra/platform/database';

/**
 * The readings key leads with the reading's UTC hour: (tenant_id, ts_hour, meter_id, ts). Meters
 * report time-major (every meter every 15 minutes), so with (tenant_id, meter_id, ts) each reading
 * landed on a different leaf page of the whole day's index (2 GB for 400,000 meters) and PostgreSQL
 * wrote and re-read evicted pages and a full-page image per page after each checkpoint. With the
 * hour first, the pages being written are the current hour's (about 100 MB for 400,000 meters).
 * Uniqueness is unchanged: ts_hour is a function of ts. Lookups by meter name the hours they cover
 * (`telemetry.hours`); see README.md, "Storage".
 *
 * A fresh TimescaleDB installation creates the column and key in Telemetry1763900100000; this
 * migration converts native tables created before.
 */
export class HourKey1763900400000 implements MigrationInterface {
  name = 'HourKey1763900400000';

  async up(q: QueryRunner): Promise<void> {
    const has = (await q.query(
      `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'telemetry' AND table_name = 'readings' AND column_name = 'ts_hour') AS ok`,
    )) as Array<{ ok: boolean }>;
    const native = (await q.query(`SELECT relkind = 'p' AS ok FROM pg_class WHERE oid = 'telemetry.readings'::regclass`)) as Array<{ ok: boolean }>;
    await runAll(q, [
      // [from, to) as the UTC hours it touches; the index probes each (one descent per hour).
      `CREATE FUNCTION telemetry.hours(from_ts timestamptz, to_ts timestamptz) RETURNS timestamptz[]
         LANGUAGE sql STABLE PARALLEL SAFE AS $$
         SELECT COALESCE(array_agg(h ORDER BY h), '{}') FROM generate_series(date_bin('1 hour', from_ts, timestamptz '2000-01-01 00:00:00+00'),
                                                      to_ts - interval '1 microsecond', interval '1 hour') h $$`,
      // The start of the oldest daily partition: an open search back in time stops there.
      `CREATE FUNCTION telemetry.readings_floor() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
         SELECT COALESCE(min(to_date(substr(c.relname, 11, 8), 'YYYYMMDD'))::timestamp AT TIME ZONE 'UTC', now() - interval '400 days')
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'telemetry.readings'::regclass AND c.relname ~ '^readings_p[0-9]{8}$' $$`,
    ]);
    if (!native[0]?.ok) return;
    if (!has[0]?.ok) {
      await runAll(q, [
        `ALTER TABLE telemetry.readings ADD COLUMN ts_hour timestamptz GENERATED ALWAYS AS (date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00')) STORED`,
        `ALTER TABLE telemetry.readings DROP CONSTRAINT readings_pkey`,
        `ALTER TABLE telemetry.readings ADD CONSTRAINT readings_pkey PRIMARY KEY (tenant_id, ts_hour, meter_id, ts)`,
      ]);
    }
    // A partition made by LIKE must carry the generation expression, and rows moved from the
    // default partition may not name the generated column.
    await runAll(q, [
      `CREATE OR REPLACE FUNCTION telemetry.maintain_partitions(days_ahead int, retention_days int, now_ts timestamptz DEFAULT now())
         RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = telemetry, pg_temp AS $fn$
       DECLARE
         today date := (now_ts AT TIME ZONE 'UTC')::date;
         oldest date := today - retention_days;
         cols text := 'tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags, received_at';
         d date;
         part text;
         created int := 0;
         dropped int := 0;
         moved bigint := 0;
         n bigint;
         r record;
       BEGIN
         -- Only one maintainer at a time (several replicas may run the loop).
         PERFORM pg_advisory_xact_lock(hashtext('telemetry.maintain_partitions'));
         -- Days ahead, plus any day within retention that landed in the default partition.
         FOR d IN
           SELECT g::date FROM generate_series(today - 1, today + days_ahead, interval '1 day') g
           UNION
           SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM readings_default
            WHERE ts >= oldest::timestamp AT TIME ZONE 'UTC' AND ts < (today + days_ahead + 1)::timestamp AT TIME ZONE 'UTC'
         LOOP
           part := 'readings_p' || to_char(d, 'YYYYMMDD');
           CONTINUE WHEN to_regclass('telemetry.' || part) IS NOT NULL;
           EXECUTE format('CREATE TABLE telemetry.%I (LIKE telemetry.readings INCLUDING DEFAULTS INCLUDING GENERATED)', part);
           EXECUTE format('WITH m AS (DELETE FROM telemetry.readings_default WHERE ts >= $1 AND ts < $2 RETURNING %s) INSERT INTO telemetry.%I (%s) SELECT * FROM m', cols, part, cols)
             USING d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC';
           GET DIAGNOSTICS n = ROW_COUNT;
           moved := moved + n;
           EXECUTE format('ALTER TABLE telemetry.readings ATTACH PARTITION telemetry.%I FOR VALUES FROM (%L) TO (%L)', part,
             d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
           created := created + 1;
         END LOOP;
         FOR r IN
           SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'telemetry.readings'::regclass AND c.relname ~ '^readings_p[0-9]{8}$'
              AND to_date(substr(c.relname, 11), 'YYYYMMDD') < oldest
         LOOP
           EXECUTE format('DROP TABLE telemetry.%I', r.relname);
           dropped := dropped + 1;
         END LOOP;
         DELETE FROM readings_default WHERE ts < oldest::timestamp AT TIME ZONE 'UTC';
         RETURN jsonb_build_object('mode', 'native', 'created', created, 'dropped', dropped, 'movedFromDefault', moved);
       END $fn$`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE telemetry.readings DROP CONSTRAINT readings_pkey`,
      `ALTER TABLE telemetry.readings ADD CONSTRAINT readings_pkey PRIMARY KEY (tenant_id, meter_id, ts)`,
      `ALTER TABLE telemetry.readings DROP COLUMN ts_hour`,
      `DROP FUNCTION telemetry.readings_floor()`,
      `DROP FUNCTION telemetry.hours(timestamptz, timestamptz)`,
    ]);
  }
}
