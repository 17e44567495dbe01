export * from './mexico.errors';
export { isValidYmd, isLeapYear, daysInMonth, normalizeIdentifier } from './calendar';
export * from './rfc';
export * from './curp';
export * from './states';
export * from './postal-code';
export * from './sat-catalogs';
