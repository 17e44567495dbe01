/** Closed vocabularies of the metering context; they travel unchanged in requests, replies and events. */
export const METER_TYPES = ['volumetric', 'velocity', 'electromagnetic', 'ultrasonic', 'smart'] as const;
export type MeterType = (typeof METER_TYPES)[number];

export const METER_STATUSES = ['installed', 'removed'] as const;
export type MeterStatus = (typeof METER_STATUSES)[number];

/** Why a field reader could not (or could only partly) read a meter. */
export const READING_INCIDENCES = [
  'no_access',
  'meter_damaged',
  'meter_buried',
  'meter_illegible',
  'dog',
  'meter_missing',
  'tampered',
  'other',
] as const;
export type ReadingIncidence = (typeof READING_INCIDENCES)[number];

export const READING_SOURCES = ['manual', 'import', 'smart', 'installation', 'removal'] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];

/** VEE outcome of a reading: `flagged` waits in the review queue; `rejected` is never billed. */
export const READING_STATUSES = ['valid', 'flagged', 'approved', 'edited', 'rejected'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

export const ANOMALY_KINDS = ['leak', 'reverse_flow', 'tamper', 'stopped_meter', 'sudden_drop'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const CONSUMPTION_BUCKETS = ['day', 'month'] as const;
export type ConsumptionBucket = (typeof CONSUMPTION_BUCKETS)[number];

/** How a billable consumption was obtained. */
export const BILLABLE_METHODS = ['difference', 'rollover', 'exchange', 'daily_summaries', 'estimated'] as const;
export type BillableMethod = (typeof BILLABLE_METHODS)[number];

/** Estimation strategies of VEE, in the order a tenant may configure (the first that applies is used). */
export const ESTIMATION_METHODS = ['average_last_periods', 'same_period_last_year', 'class_average'] as const;
export type EstimationMethod = (typeof ESTIMATION_METHODS)[number];
