import type {
  AnomalyKind,
  BillableMethod,
  MeterStatus,
  MeterType,
  ReadingIncidence,
  ReadingSource,
  ReadingStatus,
} from './enums';

/** Reply shapes of the metering RPC operations (dates as ISO strings, volumes as m3 strings with 3 decimals). */
export interface MeterView {
  id: string;
  serial: string;
  brand: string | null;
  model: string | null;
  diameterMm: number | null;
  meterType: MeterType;
  deviceEui: string | null;
  registerDigits: number;
  status: MeterStatus;
  tomaId: string | null;
  installedAt: string | null;
  removedAt: string | null;
  lastReading: { valueM3: string; readAt: string } | null;
}

export interface VeeFlagView {
  rule: string;
  severity: 'info' | 'flag' | 'reject';
  message: string;
}

export interface ReadingView {
  id: string;
  meterId: string;
  tomaId: string | null;
  valueM3: string | null;
  readAt: string;
  source: ReadingSource;
  status: ReadingStatus;
  consumptionM3: string | null;
  incidences: ReadingIncidence[];
  photoUrl: string | null;
  lat: number | null;
  lng: number | null;
  reader: string | null;
  flags: VeeFlagView[];
}

export interface ReplaceMeterView {
  oldMeter: MeterView;
  newMeter: MeterView;
  finalReadingId: string;
  initialReadingId: string;
}

export interface ImportRejectedLine {
  line: number;
  reason: string;
  raw: string;
}

export interface ImportReportView {
  importId: string;
  fileName: string | null;
  totalLines: number;
  accepted: number;
  flagged: number;
  rejected: ImportRejectedLine[];
}

export interface ConsumptionPointView {
  /** Local day ("2026-01-31") or month ("2026-01") in the tenant's zone. */
  bucket: string;
  consumptionM3: string;
  estimated: boolean;
}

export interface ConsumptionSeriesView {
  tomaId: string;
  bucket: 'day' | 'month';
  points: ConsumptionPointView[];
}

export interface BillableConsumptionView {
  id: string;
  contractId: string | null;
  tomaId: string;
  meterId: string | null;
  period: string;
  periodStart: string;
  periodEnd: string;
  consumptionM3: string;
  estimated: boolean;
  adjustmentM3: string;
  method: BillableMethod;
  /** The terminated contract's last (partial) period. */
  final: boolean;
  provenance: Record<string, unknown>;
}

export interface ClosePeriodView {
  period: string;
  computed: number;
  alreadyClosed: number;
  estimated: number;
  skipped: { tomaId: string; reason: string }[];
}

export interface AnomalyView {
  id: string;
  tomaId: string;
  meterId: string;
  kind: AnomalyKind;
  /** The meter-day it was detected on. */
  day: string;
  evidence: Record<string, unknown>;
  detectedAt: string;
}

/** The final reading of a terminated contract: pending until a usable reading closes it, then its billable id. */
export interface FinalReadingView {
  id: string;
  contractId: string;
  tomaId: string;
  effectiveDate: string;
  /** End of the effective day in the tenant's zone: the final billable consumption's periodEnd. */
  terminatesAt: string;
  status: 'pending' | 'completed';
  /** Completed by an estimate of the days served (no reading): `readingId` is null. */
  estimated: boolean;
  readingId: string | null;
  billableId: string | null;
  requestedAt: string;
  completedAt: string | null;
}

export interface MeteringSettingsView {
  estimationOrder: string[];
  timeZone: string;
}
