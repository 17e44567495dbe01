export * from './vee.errors';
export { type M3, M3_PLACES, m3, dec, fmtM3 } from './m3';
export * from './history';
export * from './consumption';
export * from './validation-rules';
export * from './smart-validation';
export * from './estimation';
export * from './estimation-pool';
