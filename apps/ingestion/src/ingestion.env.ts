// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceEnv } from '@supra/platform/config';

export const DEFAULT_INGEST_BATCH_BYTES = 512 * 1024;

export class IngestionEnv extends BaseServiceEnv {
  /** Most messages written in one transaction. */
  @IsInt() @Min(1) @Max(100_000)
  INGEST_BATCH_SIZE: number = 5000;

  /**
   * Payload bytes that close a batch early (batch messages carry many readings each): 512 KiB is
   * ~7,000 readings. 2 MiB sped up a 100,000-meter replay (76 s against 94–101 s) but not the full
   * 400,000-meter one, and took the process to ~0.97 GB in it (the k8s limit is 1 GiB).
   */
  @IsInt() @Min(1024)
  INGEST_BATCH_BYTES: number = DEFAULT_INGEST_BATCH_BYTES;

  /** Write lanes: database connections writing at once (readings spread by meter), each a connection of its own. */
  @IsInt() @Min(1) @Max(3)
  INGEST_WRITE_LANES: number = 2;

  /**
   * How often each lane writes its meters' last state and the stream position it reflects; the
   * stream is purged below that position. A new holder of the lease resumes from it, so a crash
   * costs at most this long of telemetry delivered again (duplicates, absorbed).
   */
  @IsInt() @Min(1) @Max(600)
  INGEST_STATE_FLUSH_S: number = 30;

  /** Readings later than now + this are stored with the `future` flag. */
  @IsInt() @Min(0)
  INGEST_FUTURE_TOLERANCE_S: number = 300;

  /** Readings per second per tenant (0 disables quotas); over it, messages are held and retried after a delay (back-pressure). */
  @IsInt() @Min(0)
  INGEST_QUOTA_RPS: number = 50_000;

  /** Bucket size in readings (default 2 s of the rate). */
  @IsInt() @Min(0)
  INGEST_QUOTA_BURST: number = 0;

  @IsInt() @Min(1)
  TELEMETRY_STREAM_MAX_AGE_H: number = 72;

  @IsInt() @Min(1_000_000)
  TELEMETRY_STREAM_MAX_BYTES: number = 1024 ** 3;

  @IsInt() @Min(1)
  TELEMETRY_DUPLICATE_WINDOW_S: number = 120;

  @IsInt() @Min(1)
  TELEMETRY_RETENTION_DAYS: number = 400;

  @IsInt() @Min(1) @Max(90)
  TELEMETRY_PARTITION_DAYS_AHEAD: number = 7;

  @IsInt() @Min(1)
  TELEMETRY_MAINTENANCE_INTERVAL_S: number = 3600;

  /** How often ended days are summarized. */
  @IsInt() @Min(1)
  SUMMARY_INTERVAL_S: number = 60;

  /** A day is summarized this long after it ends (late readings later cause a new revision). */
  @IsInt() @Min(0)
  SUMMARY_GRACE_MIN: number = 30;

  /**
   * A (meter, day) is summarized only when no write has marked it for this long (database clock),
   * so a replay or backfill is summarized once at the end, not after every batch; 0 = at once.
   * Writes refresh a mark at most every 60 s (MARK_REFRESH_S), so a value above that is needed for
   * the effect.
   */
  @IsInt() @Min(0)
  SUMMARY_SETTLE_S: number = 180;

  /**
   * Live telemetry first: while more telemetry messages than this wait undelivered in the stream (a
   * replay, a backfill, a burst), the summarizer waits before each claim, at most
   * SUMMARY_MAX_DEFER_S per pass, so it does not halve the rate the backlog is written at; 0 = never.
   */
  @IsInt() @Min(0)
  SUMMARY_DEFER_BACKLOG: number = 10_000;

  @IsInt() @Min(0)
  SUMMARY_MAX_DEFER_S: number = 600;

  /** An interval without readings longer than this counts as a gap. */
  @IsInt() @Min(1)
  SUMMARY_GAP_MIN: number = 60;
}
