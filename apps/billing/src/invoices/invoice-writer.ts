import type { EntityManager } from 'typeorm';
import type { ComposedLine } from './invoice-composer';

/** One invoice row as written (amounts and volumes decimal strings). */
export interface InvoiceRow {
  id: string;
  tenantId: string;
  kind: 'I' | 'E';
  status: string;
  contractId: string;
  tomaId: string;
  personId: string | null;
  period: string;
  serie: string | null;
  folio: string | null;
  subtotal: string;
  tax: string;
  total: string;
  consumptionM3: string | null;
  estimated: boolean;
  final: boolean;
  billableId: string | null;
  scheduleId: string | null;
  scheduleVersion: number | null;
  holdReasons: string[];
  cfdiInput: Record<string, unknown>;
  xml: string | null;
  issuedAt: Date | null;
  dueDate: string | null;
  substitutesId: string | null;
  relatedInvoiceId: string | null;
  billRunId: string | null;
}

const INVOICE_COLUMNS: Array<[keyof InvoiceRow, string, string]> = [
  ['id', 'id', 'uuid'],
  ['tenantId', 'tenant_id', 'uuid'],
  ['kind', 'kind', 'text'],
  ['status', 'status', 'text'],
  ['contractId', 'contract_id', 'uuid'],
  ['tomaId', 'toma_id', 'uuid'],
  ['personId', 'person_id', 'uuid'],
  ['period', 'period', 'text'],
  ['serie', 'serie', 'text'],
  ['folio', 'folio', 'text'],
  ['subtotal', 'subtotal', 'numeric'],
  ['tax', 'tax', 'numeric'],
  ['total', 'total', 'numeric'],
  ['consumptionM3', 'consumption_m3', 'numeric'],
  ['estimated', 'estimated', 'boolean'],
  ['final', 'is_final', 'boolean'],
  ['billableId', 'billable_id', 'uuid'],
  ['scheduleId', 'schedule_id', 'text'],
  ['scheduleVersion', 'schedule_version', 'int'],
  ['holdReasons', 'hold_reasons', 'jsonb'],
  ['cfdiInput', 'cfdi_input', 'jsonb'],
  ['xml', 'xml', 'xml'],
  ['issuedAt', 'issued_at', 'timestamptz'],
  ['dueDate', 'due_date', 'date'],
  ['substitutesId', 'substitutes_id', 'uuid'],
  ['relatedInvoiceId', 'related_invoice_id', 'uuid'],
  ['billRunId', 'bill_run_id', 'uuid'],
];

/** Every cell as text (NULL stays null); jsonb and xml travel as text and are cast back. */
const cell = (v: unknown, t: string): string | null => {
  if (v === null || v === undefined) return null;
  if (t === 'jsonb') return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
};

/**
 * A column's cells as one text parameter: a leading sentinel, then the values joined by U+001E with NULL as
 * U+001F, split back by `string_to_array(...)[2:]` (the sentinel keeps a lone empty string a row). Array
 * parameters would make node-postgres escape every quote of every XML and JSON cell, the main thread's largest
 * cost in a bill run. U+001E/U+001F cannot occur in the XML (XML 1.0 forbids them and the CFDI builder refuses
 * them) nor in JSON (JSON.stringify escapes control characters); any other text carrying one is refused.
 */
const RS = '\u001e';
const NUL = '\u001f';
export function packTexts(values: Array<string | null>): string {
  let out = '-';
  for (const v of values) {
    if (v === null) out += RS + NUL;
    else {
      if (v.includes(RS) || v.includes(NUL)) throw new Error('A text cell carries U+001E or U+001F, which bulk inserts reserve');
      out += RS + v;
    }
  }
  return out;
}
/** The SQL that unpacks parameter `param` into a `type[]` array. */
export const unpackSql = (param: string, type: string): string => `(string_to_array(${param}::text, chr(30), chr(31)))[2:]::${type}[]`;
const sqlType = (t: string): string => (t === 'xml' || t === 'jsonb' ? 'text' : t);

/**
 * Multi-row insert through unnest (one array parameter per column: any number of rows in one statement, one
 * round trip). Kind I rows that would be a second invoice of the same contract and period are skipped by the
 * partial unique index; the ids actually inserted come back.
 */
export async function insertInvoices(em: EntityManager, rows: InvoiceRow[]): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const params = INVOICE_COLUMNS.map(([k, , t]) => packTexts(rows.map((r) => cell(r[k], t))));
  const select = INVOICE_COLUMNS.map(([, , t], i) => (t === 'jsonb' ? `u.c${i}::jsonb` : `u.c${i}`)).join(', ');
  const unnest = INVOICE_COLUMNS.map(([, , t], i) => unpackSql(`$${i + 1}`, sqlType(t))).join(', ');
  const names = INVOICE_COLUMNS.map(([, c]) => c).join(', ');
  const aliases = INVOICE_COLUMNS.map((_, i) => `c${i}`).join(', ');
  const inserted = (await em.query(
    `INSERT INTO billing.invoices (${names})
     SELECT ${select} FROM unnest(${unnest}) AS u(${aliases})
     ON CONFLICT (tenant_id, contract_id, period) WHERE kind = 'I' AND substitutes_id IS NULL AND status <> 'rejected' DO NOTHING
     RETURNING id`,
    params,
  )) as Array<{ id: string }>;
  return new Set(inserted.map((r) => r.id));
}

export interface LineRow {
  invoiceId: string;
  tenantId: string;
  line: Pick<ComposedLine, 'lineNo' | 'kind' | 'source'> & {
    rated: {
      conceptCode: string;
      description: string;
      claveProdServ: string;
      claveUnidad: string;
      unidad?: string;
      quantity: string;
      unitPrice: string;
      amount: string;
      tax: { objetoImp: string; factor: string | null; rate: string | null; amount: string | null };
    };
  };
}

export async function insertLines(em: EntityManager, rows: LineRow[]): Promise<void> {
  if (!rows.length) return;
  const cols: Array<[string, (r: LineRow) => unknown]> = [
    ['uuid', (r) => r.tenantId],
    ['uuid', (r) => r.invoiceId],
    ['int', (r) => r.line.lineNo],
    ['text', (r) => r.line.kind],
    ['text', (r) => r.line.rated.conceptCode],
    ['text', (r) => r.line.rated.description],
    ['text', (r) => r.line.rated.claveProdServ],
    ['text', (r) => r.line.rated.claveUnidad],
    ['numeric', (r) => r.line.rated.quantity],
    ['numeric', (r) => r.line.rated.unitPrice],
    ['numeric', (r) => r.line.rated.amount],
    ['text', (r) => r.line.rated.tax.objetoImp],
    ['text', (r) => r.line.rated.tax.factor],
    ['numeric', (r) => r.line.rated.tax.rate],
    ['numeric', (r) => r.line.rated.tax.amount],
    ['jsonb', (r) => ({ ...r.line.source, unidad: r.line.rated.unidad ?? null })],
  ];
  await em.query(
    `INSERT INTO billing.invoice_lines (tenant_id, invoice_id, line_no, kind, concept_code, description, clave_prod_serv, clave_unidad,
       quantity, unit_price, amount, tax_object, tax_factor, tax_rate, tax_amount, source)
     SELECT u.a, u.b, u.c, u.d, u.e, u.f, u.g, u.h, u.i, u.j, u.k, u.l, u.m, u.n, u.o, u.p::jsonb
       FROM unnest(${cols.map(([t], i) => unpackSql(`$${i + 1}`, sqlType(t))).join(', ')})
         AS u(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)`,
    cols.map(([t, f]) => packTexts(rows.map((r) => cell(f(r), t)))),
  );
}

export async function enqueueStamping(em: EntityManager, tenantId: string, invoiceIds: string[]): Promise<void> {
  if (!invoiceIds.length) return;
  await em.query(
    `INSERT INTO billing.stamp_queue (invoice_id, tenant_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`,
    [invoiceIds, tenantId],
  );
}

/** Reserves `count` consecutive folios of a serie (its own statement; a rolled-back batch leaves a gap, which SAT allows). */
export async function reserveFolios(em: EntityManager, tenantId: string, serie: string, count: number): Promise<number> {
  const rows = (await em.query(
    `INSERT INTO billing.folio_counters (tenant_id, serie, next_folio) VALUES ($1, $2, 1 + $3)
     ON CONFLICT (tenant_id, serie) DO UPDATE SET next_folio = folio_counters.next_folio + $3
     RETURNING next_folio - $3 AS first`,
    [tenantId, serie, count],
  )) as Array<{ first: string }>;
  return Number(rows[0].first);
}
