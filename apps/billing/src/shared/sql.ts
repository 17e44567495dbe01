/** Rows of a TypeORM raw query. */
export type Rows<T> = T[];

/** numeric columns come back as strings from pg: keep them strings, normalise null. */
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** A `date` column as YYYY-MM-DD whatever pg's type parser returned. */
export function dateOnly(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.slice(0, 10);
  const d = v as Date;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
