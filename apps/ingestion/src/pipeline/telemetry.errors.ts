/** Dead-letter codes of the telemetry consumer (header supra-dlq-code). */
export const TelemetryErrorCodes = {
  subjectInvalid: 'TELEMETRY.SUBJECT_INVALID',
  malformedJson: 'TELEMETRY.MALFORMED_JSON',
  shapeInvalid: 'TELEMETRY.SHAPE_INVALID',
  readingInvalid: 'TELEMETRY.READING_INVALID',
  tenantUnknown: 'TELEMETRY.TENANT_UNKNOWN',
} as const;
export type TelemetryErrorCode = (typeof TelemetryErrorCodes)[keyof typeof TelemetryErrorCodes];
