export * from './formats';
export * from './events';
export * from './rpc';
