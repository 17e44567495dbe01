export * from './db';
export * from './roles';
export * from './rls';
export * from './catalog-check';
export * from './statement-cache';
