import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from '@supra/platform/database';

/**
 * When a day's mark was last refreshed by a write: a day still being written (a replay, a
 * backfill) is summarized once it has been quiet for SUMMARY_SETTLE_S, not again after every batch.
 */
export class SummarySettle1763900200000 implements MigrationInterface {
  name = 'SummarySettle1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE telemetry.summary_dirty ADD COLUMN marked_at timestamptz NOT NULL DEFAULT now()`,
      // Every batch updates its meters' last state (and refreshes stale marks): room in each page
      // keeps those updates HOT and prunable. Without it the full bench's meters table grew to
      // ~10 versions per row (102 MB for 100,000 meters) and every lookup walked them.
      `ALTER TABLE telemetry.meters SET (fillfactor = 50)`,
      `ALTER TABLE telemetry.summary_dirty SET (fillfactor = 70)`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE telemetry.meters RESET (fillfactor)`,
      `ALTER TABLE telemetry.summary_dirty RESET (fillfactor)`,
      `ALTER TABLE telemetry.summary_dirty DROP COLUMN marked_at`,
    ]);
  }
}
