import { Client } from 'pg';
import { testInfra } from '@supra/platform/testing';
import { resultsOf, textArrayLiteral } from '../src/pipeline/lane-connection';

describe('textArrayLiteral: values sent as text beside other statements', () => {
  let c: Client;

  beforeAll(async () => {
    c = new Client({ connectionString: (await testInfra()).adminUrl });
    await c.connect();
  });

  afterAll(async () => {
    await c?.end();
  });

  it('PostgreSQL reads back exactly the values, whatever they hold', async () => {
    const values = ['SIM-000001', `it's`, 'a "quoted" one', 'back\\slash', '{braces},commas', 'NULL', '', ' spaced ', 'ñandú'];
    const [, r] = await resultsOf(c, `SELECT 1; SELECT v FROM unnest(${textArrayLiteral(values)}::text[]) WITH ORDINALITY AS x(v, i) ORDER BY i`);
    expect(r.rows.map((x: { v: string }) => x.v)).toEqual(values);
  });

  it('an empty list is an empty array', async () => {
    const [r] = await resultsOf(c, `SELECT cardinality(${textArrayLiteral([])}::text[]) AS n`);
    expect(r.rows).toEqual([{ n: 0 }]);
  });
});
