// Telemetry wire formats (subjects telemetry.<tenant>.<meter>, documented in docs/asyncapi/telemetry.yaml).
// These are not CloudEvents: meter gateways publish plain JSON and ingestion validates it itself.

/** Alarm flags a meter may report; stored as a bitmask in telemetry.readings.alarms. */
export const TELEMETRY_ALARMS = ['leak', 'reverse_flow', 'tamper', 'magnetic', 'dry', 'burst'] as const;
export type TelemetryAlarm = (typeof TELEMETRY_ALARMS)[number];

/** Quality flags ingestion sets on a stored reading (never silently fixed); bitmask in telemetry.readings.flags. */
export const READING_FLAGS = ['future', 'register_decrease', 'rollover', 'replayed'] as const;
export type ReadingFlag = (typeof READING_FLAGS)[number];

/** One reading on the meter's own subject. */
export interface TelemetryReadingMessage {
  /** ISO 8601 instant with an offset or Z. */
  ts: string;
  /** Cumulative register in m3, litre resolution (at most 3 decimals). */
  registerM3: number;
  /** Instantaneous flow in litres per second; negative means reverse flow. */
  flowLps?: number;
  /** Battery level in percent (0-100). */
  battery?: number;
  /** Radio signal in dBm. */
  signal?: number;
  alarms?: TelemetryAlarm[];
}

/** One reading inside a batch: the meter is named in the reading. */
export interface TelemetryBatchReading extends TelemetryReadingMessage {
  meter: string;
}

/** Many readings of one or many meters of the subject's tenant, on any subject of that tenant. */
export interface TelemetryBatchMessage {
  readings: TelemetryBatchReading[];
}

/** Meter ids are serials or device EUIs: one NATS subject token. */
export const METER_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
