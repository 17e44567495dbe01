import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropTenantRlsSql, runAll, tenantRlsSql } from '@supra/platform/database';

/**
 * Telemetry tables. `readings` is a TimescaleDB hypertable when the extension can be loaded, a
 * natively range-partitioned table (daily partitions + a default one) otherwise; same name and
 * columns either way. Partition DDL needs the table owner, so it lives in a SECURITY DEFINER
 * function the service roles may execute (see storage/README.md).
 */
export class Telemetry1763900100000 implements MigrationInterface {
  name = 'Telemetry1763900100000';

  async up(q: QueryRunner): Promise<void> {
    const rows = (await q.query(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
              AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%' AS ok`,
    )) as Array<{ ok: boolean }>;
    const timescale = rows[0]?.ok === true && process.env.TELEMETRY_STORAGE !== 'native';

    await runAll(q, [
      // The tenant registry as ingestion sees it: telemetry subjects carry the slug.
      `CREATE TABLE telemetry.tenants (
         tenant_id uuid PRIMARY KEY,
         slug text NOT NULL UNIQUE,
         time_zone text NOT NULL DEFAULT 'America/Mexico_City',
         registered_at timestamptz NOT NULL DEFAULT now()
       )`,
      ...tenantRlsSql('telemetry.tenants'),
      `CREATE TABLE telemetry.meters (
         tenant_id uuid NOT NULL,
         meter_id text NOT NULL,
         meter_uuid uuid,
         toma_id uuid,
         rollover_m3 numeric(12,3) NOT NULL DEFAULT 100000,
         installed_at timestamptz,
         removed_at timestamptz,
         last_ts timestamptz,
         last_register_m3 numeric(12,3),
         PRIMARY KEY (tenant_id, meter_id)
       )`,
      ...tenantRlsSql('telemetry.meters'),
      `CREATE TABLE telemetry.quarantine (
         tenant_id uuid NOT NULL,
         meter_id text NOT NULL,
         ts timestamptz NOT NULL,
         register_m3 numeric(12,3) NOT NULL,
         flow_lps numeric(10,3),
         battery numeric(5,2),
         signal smallint,
         alarms smallint NOT NULL DEFAULT 0,
         flags smallint NOT NULL DEFAULT 0,
         reason text NOT NULL,
         received_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, meter_id, ts)
       )`,
      ...tenantRlsSql('telemetry.quarantine'),
      // Days whose summary must be (re)computed; written in the same transaction as the readings.
      `CREATE TABLE telemetry.summary_dirty (
         tenant_id uuid NOT NULL,
         meter_id text NOT NULL,
         day date NOT NULL,
         PRIMARY KEY (tenant_id, meter_id, day)
       )`,
      ...tenantRlsSql('telemetry.summary_dirty'),
      `CREATE TABLE telemetry.meter_days (
         tenant_id uuid NOT NULL,
         meter_id text NOT NULL,
         day date NOT NULL,
         revision int NOT NULL,
         summary jsonb NOT NULL,
         summarized_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, meter_id, day)
       )`,
      ...tenantRlsSql('telemetry.meter_days'),
    ]);

    const columns = `
         tenant_id uuid NOT NULL,
         meter_id text NOT NULL,
         ts timestamptz NOT NULL,
         register_m3 numeric(12,3) NOT NULL,
         flow_lps numeric(10,3),
         battery numeric(5,2),
         signal smallint,
         alarms smallint NOT NULL DEFAULT 0,
         flags smallint NOT NULL DEFAULT 0,
         received_at timestamptz NOT NULL DEFAULT now()`;
    if (timescale) {
      await runAll(q, [
        `CREATE EXTENSION IF NOT EXISTS timescaledb`,
        // The hour-led key of HourKey1763900400000, which converts native tables only (no database here has TimescaleDB).
        `CREATE TABLE telemetry.readings (${columns},
           ts_hour timestamptz GENERATED ALWAYS AS (date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00')) STORED,
           PRIMARY KEY (tenant_id, ts_hour, meter_id, ts))`,
        `SELECT create_hypertable('telemetry.readings', 'ts', chunk_time_interval => interval '1 day')`,
        `ALTER TABLE telemetry.readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, meter_id', timescaledb.compress_orderby = 'ts')`,
        `SELECT add_compression_policy('telemetry.readings', interval '7 days')`,
        `SELECT add_retention_policy('telemetry.readings', interval '400 days')`,
        ...tenantRlsSql('telemetry.readings'),
        `CREATE MATERIALIZED VIEW telemetry.readings_hourly WITH (timescaledb.continuous) AS
           SELECT tenant_id, meter_id, time_bucket('1 hour', ts) AS bucket, count(*) AS readings,
                  min(register_m3) AS min_register_m3, max(register_m3) AS max_register_m3, min(flow_lps) AS min_flow_lps, max(flow_lps) AS max_flow_lps
             FROM telemetry.readings GROUP BY 1, 2, 3 WITH NO DATA`,
        `SELECT add_continuous_aggregate_policy('telemetry.readings_hourly', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '30 minutes')`,
        `CREATE MATERIALIZED VIEW telemetry.readings_daily WITH (timescaledb.continuous) AS
           SELECT tenant_id, meter_id, time_bucket('1 day', ts) AS bucket, count(*) AS readings,
                  min(register_m3) AS min_register_m3, max(register_m3) AS max_register_m3, min(flow_lps) AS min_flow_lps, max(flow_lps) AS max_flow_lps
             FROM telemetry.readings GROUP BY 1, 2, 3 WITH NO DATA`,
        `SELECT add_continuous_aggregate_policy('telemetry.readings_daily', start_offset => interval '10 days', end_offset => interval '1 day', schedule_interval => interval '6 hours')`,
        // Maintenance is TimescaleDB's own job scheduler here; the function is a no-op kept for one API.
        `CREATE FUNCTION telemetry.maintain_partitions(days_ahead int, retention_days int, now_ts timestamptz DEFAULT now())
           RETURNS jsonb LANGUAGE sql SECURITY DEFINER SET search_path = telemetry, pg_temp AS $$ SELECT '{"mode":"timescaledb"}'::jsonb $$`,
      ]);
      return;
    }
    await runAll(q, [
      `CREATE TABLE telemetry.readings (${columns}, PRIMARY KEY (tenant_id, meter_id, ts)) PARTITION BY RANGE (ts)`,
      ...tenantRlsSql('telemetry.readings'),
      // Catches what no daily partition covers yet (very late or far-future readings): an insert never fails.
      `CREATE TABLE telemetry.readings_default PARTITION OF telemetry.readings DEFAULT`,
      `CREATE FUNCTION telemetry.maintain_partitions(days_ahead int, retention_days int, now_ts timestamptz DEFAULT now())
         RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = telemetry, pg_temp AS $fn$
       DECLARE
         today date := (now_ts AT TIME ZONE 'UTC')::date;
         oldest date := today - retention_days;
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
           EXECUTE format('CREATE TABLE telemetry.%I (LIKE telemetry.readings INCLUDING DEFAULTS)', part);
           EXECUTE format('WITH m AS (DELETE FROM telemetry.readings_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO telemetry.%I SELECT * FROM m', part)
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
      `SELECT telemetry.maintain_partitions(7, 400)`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    const stmts: string[] = [];
    for (const t of ['meter_days', 'summary_dirty', 'quarantine', 'meters', 'tenants']) {
      stmts.push(...dropTenantRlsSql(`telemetry.${t}`), `DROP TABLE telemetry.${t}`);
    }
    await runAll(q, [
      `DROP MATERIALIZED VIEW IF EXISTS telemetry.readings_daily`,
      `DROP MATERIALIZED VIEW IF EXISTS telemetry.readings_hourly`,
      `DROP FUNCTION IF EXISTS telemetry.maintain_partitions(int, int, timestamptz)`,
      `DROP TABLE IF EXISTS telemetry.readings CASCADE`,
      ...stmts,
    ]);
  }
}
