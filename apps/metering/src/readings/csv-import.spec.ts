import { parseReadingsCsv } from './csv-import';

describe('parseReadingsCsv', () => {
  it('accepts good lines and reports the others with their line number', () => {
    const res = parseReadingsCsv('serial;read_at;value_m3;incidence\nA-1;2026-01-20T09:00:00Z;12,5;\n\nA-2;2026-01-20T09:00:00Z;;no_access|dog\nA-3;2026-01-20;7;\nA-4;2026-01-20T09:00:00Z;-1;');
    expect(res.totalLines).toBe(4);
    expect(res.lines.map((l) => [l.line, l.valueM3, l.incidences])).toEqual([
      [2, '12.5', []],
      [4, null, ['no_access', 'dog']],
    ]);
    expect(res.rejected.map((x) => x.line)).toEqual([5, 6]);
  });

  it('rejects a file whose header lacks a required column', () => {
    expect(parseReadingsCsv('serial,value_m3\nA,1').rejected).toEqual([expect.objectContaining({ line: 1, reason: 'header lacks read_at' })]);
  });
});
