import {
  daysInPeriod,
  dueDate,
  dueDateDeadline,
  makePeriod,
  nextPeriod,
  parsePeriodKey,
  periodContains,
  periodFor,
  periodForLocalDate,
  previousPeriod,
} from './billing-period';
import { PeriodError } from './periods.errors';

const MX = 'America/Mexico_City';
const TIJ = 'America/Tijuana';
const utc = (iso: string) => new Date(iso);

describe('periodFor in Mexico City (UTC-6 all year since the 2022 reform)', () => {
  it('gives the monthly period with start and end at local midnight', () => {
    const p = periodFor(utc('2026-11-15T18:00:00Z'), MX, 'monthly');
    expect(p.key).toBe('2026-11');
    expect(p.firstDay).toBe('2026-11-01');
    expect(p.lastDay).toBe('2026-11-30');
    expect(p.start.toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-12-01T06:00:00.000Z');
  });

  it('uses the local day at month ends, not the UTC one', () => {
    // 23:59:59 on 30 Nov in Mexico City is already 1 Dec in UTC.
    expect(periodFor(utc('2026-12-01T05:59:59Z'), MX, 'monthly').key).toBe('2026-11');
    expect(periodFor(utc('2026-12-01T06:00:00Z'), MX, 'monthly').key).toBe('2026-12');
    expect(periodFor(utc('2027-01-01T05:59:59.999Z'), MX, 'monthly').key).toBe('2026-12');
    expect(periodFor(utc('2027-01-01T06:00:00Z'), MX, 'monthly').key).toBe('2027-01');
  });

  it('defaults to Mexico City and monthly', () => {
    expect(periodFor(utc('2026-12-01T05:00:00Z')).key).toBe('2026-11');
  });

  it('groups months in bimesters Jan-Feb ... Nov-Dec', () => {
    const cases: Array<[string, string, string, string]> = [
      ['2026-01-10T12:00:00Z', '2026-B1', '2026-01-01', '2026-02-28'],
      ['2026-02-28T12:00:00Z', '2026-B1', '2026-01-01', '2026-02-28'],
      ['2026-03-01T12:00:00Z', '2026-B2', '2026-03-01', '2026-04-30'],
      ['2026-08-31T12:00:00Z', '2026-B4', '2026-07-01', '2026-08-31'],
      ['2026-11-01T12:00:00Z', '2026-B6', '2026-11-01', '2026-12-31'],
      ['2027-01-01T05:59:59Z', '2026-B6', '2026-11-01', '2026-12-31'],
      ['2027-01-01T06:00:00Z', '2027-B1', '2027-01-01', '2027-02-28'],
    ];
    for (const [instant, key, firstDay, lastDay] of cases) {
      expect(periodFor(utc(instant), MX, 'bimonthly')).toMatchObject({ key, firstDay, lastDay });
    }
    const b6 = periodFor(utc('2026-12-24T12:00:00Z'), MX, 'bimonthly');
    expect(b6.start.toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(b6.end.toISOString()).toBe('2027-01-01T06:00:00.000Z');
  });

  it('still applies the old summer time to 2022 and earlier', () => {
    // Mexico City observed UTC-5 from 3 Apr to 30 Oct 2022.
    const may = makePeriod(2022, 5, 'monthly', MX);
    expect(may.start.toISOString()).toBe('2022-05-01T05:00:00.000Z');
    const nov = makePeriod(2022, 11, 'monthly', MX);
    expect(nov.start.toISOString()).toBe('2022-11-01T06:00:00.000Z');
    expect(makePeriod(2023, 5, 'monthly', MX).start.toISOString()).toBe('2023-05-01T06:00:00.000Z');
  });
});

describe('periods in a zone with DST (Tijuana follows US rules: 8 Mar - 1 Nov 2026)', () => {
  it('starts each month at local midnight whatever the offset', () => {
    const march = makePeriod(2026, 3, 'monthly', TIJ);
    expect(march.start.toISOString()).toBe('2026-03-01T08:00:00.000Z'); // PST
    expect(march.end.toISOString()).toBe('2026-04-01T07:00:00.000Z'); // PDT
    // 31 calendar days but one hour short of 31 x 24.
    expect(daysInPeriod(march)).toBe(31);
    expect((march.end.getTime() - march.start.getTime()) / 3_600_000).toBe(31 * 24 - 1);

    const november = makePeriod(2026, 11, 'monthly', TIJ);
    expect(november.start.toISOString()).toBe('2026-11-01T07:00:00.000Z'); // midnight still in PDT
    expect(november.end.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect((november.end.getTime() - november.start.getTime()) / 3_600_000).toBe(30 * 24 + 1);
  });

  it('assigns instants around a boundary by the local day', () => {
    expect(periodFor(utc('2026-04-01T06:59:59Z'), TIJ).key).toBe('2026-03');
    expect(periodFor(utc('2026-04-01T07:00:00Z'), TIJ).key).toBe('2026-04');
    // The same instant is already April in Mexico City.
    expect(periodFor(utc('2026-04-01T06:30:00Z'), MX).key).toBe('2026-04');
  });
});

describe('keys, next and previous', () => {
  it('parses keys back into periods', () => {
    const p = parsePeriodKey('2026-11', MX);
    expect(p).toMatchObject({ frequency: 'monthly', year: 2026, index: 11, firstDay: '2026-11-01' });
    expect(parsePeriodKey('2026-B6', MX)).toMatchObject({ frequency: 'bimonthly', index: 6, lastDay: '2026-12-31' });
    expect(parsePeriodKey('2026-B6', TIJ).timeZone).toBe(TIJ);
  });

  it.each(['2026-13', '2026-00', '2026-B7', '2026-B0', '26-11', '2026-1', '2026-b1', '2026-11-01', ''])(
    'rejects the key %j',
    (key) => {
      expect(() => parsePeriodKey(key)).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_KEY' }));
    },
  );

  it('walks forward and backward across years', () => {
    expect(nextPeriod(parsePeriodKey('2026-12')).key).toBe('2027-01');
    expect(previousPeriod(parsePeriodKey('2027-01')).key).toBe('2026-12');
    expect(nextPeriod(parsePeriodKey('2026-B6')).key).toBe('2027-B1');
    expect(previousPeriod(parsePeriodKey('2027-B1')).key).toBe('2026-B6');
    expect(nextPeriod(parsePeriodKey('2026-B2')).key).toBe('2026-B3');
    expect(previousPeriod(parsePeriodKey('2026-07')).key).toBe('2026-06');
  });

  it('makes consecutive periods contiguous (end of one = start of the next)', () => {
    for (const tz of [MX, TIJ]) {
      let p = parsePeriodKey('2025-01', tz);
      for (let i = 0; i < 30; i++) {
        const n = nextPeriod(p);
        expect(n.start.getTime()).toBe(p.end.getTime());
        p = n;
      }
    }
  });

  it('keeps an instant in exactly the period periodFor returns', () => {
    const p = parsePeriodKey('2026-03', TIJ);
    expect(periodContains(p, p.start)).toBe(true);
    expect(periodContains(p, new Date(p.end.getTime() - 1))).toBe(true);
    expect(periodContains(p, p.end)).toBe(false);
    expect(periodContains(p, new Date(p.start.getTime() - 1))).toBe(false);
  });

  it('rejects bad arguments with domain codes', () => {
    expect(() => makePeriod(2026, 13, 'monthly')).toThrow(PeriodError);
    expect(() => makePeriod(2026, 7, 'bimonthly')).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_ARGUMENT' }));
    expect(() => makePeriod(2026, 1, 'weekly' as never)).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_ARGUMENT' }));
    expect(() => periodFor(utc('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(
      expect.objectContaining({ code: 'PERIOD.INVALID_TIME_ZONE' }),
    );
    expect(() => periodFor(new Date('nope'), MX)).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_DATE' }));
  });
});

describe('daysInPeriod', () => {
  it.each([
    ['2026-01', 31],
    ['2026-02', 28],
    ['2028-02', 29], // leap year
    ['2100-02', 28], // century, not leap
    ['2000-02', 29], // divisible by 400
    ['2026-04', 30],
    ['2026-B1', 59],
    ['2028-B1', 60],
    ['2026-B2', 61],
    ['2026-B4', 62],
    ['2026-B6', 61],
  ])('%s has %i days', (key, days) => {
    expect(daysInPeriod(parsePeriodKey(key, MX))).toBe(days);
    expect(daysInPeriod(parsePeriodKey(key, TIJ))).toBe(days);
  });

  it('finds the period of 29 February', () => {
    expect(periodForLocalDate('2028-02-29', 'monthly').key).toBe('2028-02');
    expect(() => periodForLocalDate('2026-02-29', 'monthly')).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_DATE' }));
  });
});

describe('dueDate', () => {
  it('adds days to the local issue date', () => {
    // Issued 31 Jan 23:00 in Mexico City, which is already 1 Feb in UTC.
    expect(dueDate(utc('2026-02-01T05:00:00Z'), 10, MX)).toBe('2026-02-10');
    expect(dueDate(utc('2026-02-01T06:00:00Z'), 10, MX)).toBe('2026-02-11');
    expect(dueDate(utc('2026-02-20T18:00:00Z'), 15, MX)).toBe('2026-03-07');
    expect(dueDate(utc('2028-02-20T18:00:00Z'), 15, MX)).toBe('2028-03-06');
    expect(dueDate(utc('2026-12-25T18:00:00Z'), 10, MX)).toBe('2027-01-04');
    expect(dueDate(utc('2026-12-25T18:00:00Z'), 0, MX)).toBe('2026-12-25');
  });

  it('gives the deadline instant as the next local midnight', () => {
    expect(dueDateDeadline('2026-02-10', MX).toISOString()).toBe('2026-02-11T06:00:00.000Z');
    expect(dueDateDeadline('2026-07-10', TIJ).toISOString()).toBe('2026-07-11T07:00:00.000Z');
  });

  it('rejects negative or fractional days', () => {
    expect(() => dueDate(utc('2026-02-01T05:00:00Z'), -1)).toThrow(PeriodError);
    expect(() => dueDate(utc('2026-02-01T05:00:00Z'), 1.5)).toThrow(PeriodError);
  });
});
