export * from './service-smoke';
