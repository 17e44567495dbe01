import { READING_INCIDENCES, type ReadingIncidence } from '@supra/contracts';

/** One accepted line of a handheld-terminal file, before it meets the database. */
export interface CsvReadingLine {
  line: number;
  serial: string;
  readAt: Date;
  valueM3: string | null;
  reader: string | null;
  incidences: ReadingIncidence[];
  lat: number | null;
  lng: number | null;
  photoUrl: string | null;
  raw: string;
}

export interface CsvRejectedLine {
  line: number;
  reason: string;
  raw: string;
}

export interface ParsedCsv {
  totalLines: number;
  lines: CsvReadingLine[];
  rejected: CsvRejectedLine[];
}

const REQUIRED = ['serial', 'read_at', 'value_m3'] as const;
const KNOWN = new Set(['serial', 'read_at', 'value_m3', 'reader', 'incidence', 'lat', 'lng', 'photo_url']);
const M3_RE = /^\d{1,9}([.,]\d{1,3})?$/;
const INCIDENCES = new Set<string>(READING_INCIDENCES);

/** Splits one CSV line (RFC 4180 quotes, comma or semicolon separator). */
export function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Parses a handheld terminal's reading file: header line first (`serial,read_at,value_m3` required;
 * `reader,incidence,lat,lng,photo_url` optional; `;` also accepted as separator, `,` as decimal mark then).
 * Every data line is accepted or rejected with its 1-based line number and a reason; blank lines are skipped.
 * Meter existence is checked by the caller.
 */
export function parseReadingsCsv(text: string): ParsedCsv {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIdx = rows.findIndex((r) => r.trim() !== '');
  if (headerIdx < 0) return { totalLines: 0, lines: [], rejected: [{ line: 1, reason: 'empty file', raw: '' }] };
  const sep = rows[headerIdx].includes(';') && !rows[headerIdx].includes(',') ? ';' : ',';
  const header = splitCsvLine(rows[headerIdx], sep).map((h) => h.toLowerCase());
  const missing = REQUIRED.filter((h) => !header.includes(h));
  const unknown = header.filter((h) => !KNOWN.has(h));
  const data = rows.map((raw, i) => ({ raw, line: i + 1 })).slice(headerIdx + 1).filter((r) => r.raw.trim() !== '');
  if (missing.length || unknown.length) {
    const reason = missing.length ? `header lacks ${missing.join(', ')}` : `unknown columns ${unknown.join(', ')}`;
    return { totalLines: data.length, lines: [], rejected: [{ line: headerIdx + 1, reason, raw: rows[headerIdx] }] };
  }
  const col = (cells: string[], name: string): string => {
    const i = header.indexOf(name);
    return i >= 0 ? (cells[i] ?? '') : '';
  };
  const lines: CsvReadingLine[] = [];
  const rejected: CsvRejectedLine[] = [];
  for (const { raw, line } of data) {
    const cells = splitCsvLine(raw, sep);
    const reject = (reason: string) => rejected.push({ line, reason, raw });
    if (cells.length !== header.length) {
      reject(`expected ${header.length} columns, got ${cells.length}`);
      continue;
    }
    const serial = col(cells, 'serial');
    if (!serial) {
      reject('serial is empty');
      continue;
    }
    const readAtText = col(cells, 'read_at');
    const readAt = new Date(readAtText);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(readAtText) || Number.isNaN(readAt.getTime())) {
      reject(`read_at "${readAtText}" is not an ISO 8601 date-time`);
      continue;
    }
    const incidenceText = col(cells, 'incidence');
    const incidences = incidenceText ? incidenceText.split('|').map((s) => s.trim().toLowerCase()) : [];
    const badIncidence = incidences.find((i) => !INCIDENCES.has(i));
    if (badIncidence) {
      reject(`unknown incidence code "${badIncidence}"`);
      continue;
    }
    const valueText = col(cells, 'value_m3');
    if (!valueText && !incidences.length) {
      reject('value_m3 is empty and no incidence explains why');
      continue;
    }
    if (valueText && !M3_RE.test(valueText)) {
      reject(`value_m3 "${valueText}" is not a non-negative m3 value with up to 3 decimals`);
      continue;
    }
    const num = (name: string, min: number, max: number): number | null | 'bad' => {
      const t = col(cells, name);
      if (!t) return null;
      const n = Number(t);
      return Number.isFinite(n) && n >= min && n <= max ? n : 'bad';
    };
    const lat = num('lat', -90, 90);
    const lng = num('lng', -180, 180);
    if (lat === 'bad' || lng === 'bad') {
      reject('lat/lng out of range');
      continue;
    }
    lines.push({
      line,
      serial,
      readAt,
      valueM3: valueText ? valueText.replace(',', '.') : null,
      reader: col(cells, 'reader') || null,
      incidences: incidences as ReadingIncidence[],
      lat,
      lng,
      photoUrl: col(cells, 'photo_url') || null,
      raw,
    });
  }
  return { totalLines: data.length, lines, rejected };
}
