export * from './cloud-event';
export * from './cloud-event.errors';
export { percentEncodeHeaderValue, percentDecodeHeaderValue } from './percent-encoding';
export { type EncodedMessage, type IncomingHeaders, encodeBinary, encodeStructured, decode } from './nats-binding';
