export * from './periods.errors';
export {
  DEFAULT_TIME_ZONE,
  type LocalDate,
  addDays,
  assertTimeZone,
  daysBetween,
  localDateOf,
  offsetMs,
  parseLocalDate,
  startOfLocalDay,
} from './local-time';
export * from './billing-period';
