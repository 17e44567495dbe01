export * from './lib/assert-never';
export * from './lib/sleep';
