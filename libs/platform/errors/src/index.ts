export * from './domain-error';
export * from './problem-details';
export * from './class-validator-errors';
