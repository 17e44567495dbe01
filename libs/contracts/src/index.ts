export * from './lib/event-registry';
export * from './lib/rpc-registry';
export * from './lib/pagination';
export * from './customer';
export * from './metering';
export * from './telemetry';
export * from './billing';
