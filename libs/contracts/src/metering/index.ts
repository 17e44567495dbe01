export * from './enums';
export * from './events';
export * from './requests';
export * from './views';
export * from './rpc';
