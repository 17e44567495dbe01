export * from './request-context';
export * from './headers';
export * from './permissions';
