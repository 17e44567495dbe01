export * from './enums';
export * from './requests';
export * from './views';
export * from './events';
export * from './rpc';
