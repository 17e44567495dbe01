import { Injectable } from '@nestjs/common';

export const UTILITY_TIME_ZONE = 'America/Mexico_City';

const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: UTILITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant in Mexico City, where contracts and deadlines are dated. */
export const localDate = (at: Date): string => ymd.format(at);

/** Injected so tests and scenarios can fix "now". */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
  today(): string {
    return localDate(this.now());
  }
}
