import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from '@supra/platform/database';

/**
 * The live write path keeps each meter's last state in the consumer (see pipeline/README.md, "Meter
 * state"): `meter_changes` tells it which meters other writers changed, `summary_claims` when the
 * summarizer claimed day marks, and `consumer_state` where
 * in the stream the state written to `meters` stands, so a new holder of the lease resumes from there.
 */
export class MeterState1763900300000 implements MigrationInterface {
  name = 'MeterState1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE SEQUENCE telemetry.meter_changes`,
      `ALTER TABLE telemetry.meters ADD COLUMN changed_seq bigint NOT NULL DEFAULT 0`,
      `CREATE INDEX meters_changed_seq ON telemetry.meters (changed_seq)`,
      // Exclusive before the bump and until commit: a live write (shared) never reads a version whose
      // change it cannot see yet. The consumer's own state writes set supra.ingest_state and are skipped.
      `CREATE FUNCTION telemetry.meter_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
       BEGIN
         PERFORM pg_advisory_xact_lock(hashtext('supra.telemetry.meters'));
         NEW.changed_seq := nextval('telemetry.meter_changes');
         RETURN NEW;
       END $fn$`,
      `CREATE TRIGGER meters_changed BEFORE INSERT OR UPDATE ON telemetry.meters FOR EACH ROW
         WHEN (current_setting('supra.ingest_state', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION telemetry.meter_changed()`,
      // Bumped (under the same lock, exclusive) before the summarizer claims marks: the live write
      // then forgets which days it marked lately, so a claimed day is marked again by its next reading.
      `CREATE SEQUENCE telemetry.summary_claims`,
      `CREATE TABLE telemetry.consumer_state (
         lane int PRIMARY KEY,
         stream_created text NOT NULL,
         stream_seq bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TABLE telemetry.consumer_state`,
      `DROP SEQUENCE telemetry.summary_claims`,
      `DROP TRIGGER meters_changed ON telemetry.meters`,
      `DROP FUNCTION telemetry.meter_changed()`,
      `ALTER TABLE telemetry.meters DROP COLUMN changed_seq`,
      `DROP SEQUENCE telemetry.meter_changes`,
    ]);
  }
}
