import { Client } from 'pg';
import { testInfra } from '@supra/platform/testing';
import { packTexts, unpackSql } from '../src/invoices/invoice-writer';

/** The packed text columns of the bill-run inserts, round-tripped through real PostgreSQL. */
describe('packed bulk-insert columns', () => {
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: (await testInfra()).adminUrl });
    await pg.connect();
  });
  afterAll(() => pg?.end());

  const roundTrip = async (values: Array<string | null>, type = 'text'): Promise<unknown[]> =>
    (await pg.query<{ v: unknown[] }>(`SELECT ${unpackSql('$1', type)} AS v`, [packTexts(values)])).rows[0].v;

  it('keeps every value, NULLs, empty strings (also a lone one), quotes, backslashes and non-ASCII text', async () => {
    const xml = '<cfdi:Comprobante Nombre="JOSÉ &amp; HIJOS \\ 10&quot;" Sello="a+b/c=="/>\t\n';
    expect(await roundTrip([xml, null, '', '{"a":"\\u0001 ñ 💧"}', ','])).toEqual([xml, null, '', '{"a":"\\u0001 ñ 💧"}', ',']);
    expect(await roundTrip([''])).toEqual(['']);
    expect(await roundTrip([null])).toEqual([null]);
    expect(await roundTrip([])).toEqual([]);
  });

  it('casts to the column type', async () => {
    const [r] = (await pg.query<{ v: string[] }>(`SELECT (${unpackSql('$1', 'numeric')})::text[] AS v`, [packTexts(['12.345000', null])])).rows;
    expect(r.v).toEqual(['12.345000', null]);
    expect(await roundTrip(['true', 'false'], 'boolean')).toEqual([true, false]);
  });

  it('refuses a cell carrying the separators instead of splitting it', () => {
    expect(() => packTexts(['a\u001eb'])).toThrow(/U\+001E or U\+001F/);
    expect(() => packTexts(['a\u001fb'])).toThrow(/U\+001E or U\+001F/);
  });
});
