import { DomainError } from '@supra/platform/errors';

/** Why a message is not a valid CloudEvent; stable, so consumers and dead-letter tooling can match on it. */
export type CloudEventFormatReason =
  | 'MISSING_ATTRIBUTE'
  | 'UNSUPPORTED_SPECVERSION'
  | 'INVALID_ATTRIBUTE'
  | 'INVALID_EXTENSION_NAME'
  | 'INVALID_JSON'
  | 'INVALID_DATA'
  | 'INVALID_HEADER_ENCODING'
  | 'UNSUPPORTED_CONTENT_MODE';

/**
 * A message that cannot be read (or an event that cannot be written) as a CloudEvent. Never retryable: a
 * malformed message stays malformed, so a consumer terminates it and sends it to the dead-letter subject.
 */
export class CloudEventFormatError extends DomainError {
  constructor(
    readonly reason: CloudEventFormatReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super('MESSAGING.CLOUDEVENT_INVALID', message, { status: 400, retryable: false, details: { reason, ...details } });
    this.name = 'CloudEventFormatError';
  }
}
