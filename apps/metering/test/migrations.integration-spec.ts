import { createTestDatabase } from '@supra/platform/testing';
import { ServiceDatabase } from '@supra/platform/database';
import { meteringService } from '../src/service.definition';

describe('metering migrations', () => {
  it('go down and up again', async () => {
    const database = await createTestDatabase('metering_mig');
    const db = new ServiceDatabase({ url: database.url, schema: 'metering', entities: [], migrations: meteringService.migrations });
    const names = ['Messaging1763900000000', 'Metering1763900100000', 'EstimationFinalReadings1763900200000'];
    const tables = async () =>
      ((await db.system.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'metering' ORDER BY 1`)) as Array<{ table_name: string }>).map((r) => r.table_name);
    try {
      expect(await db.migrate()).toEqual(names);
      await db.revert(1);
      await db.connect();
      expect(await tables()).not.toEqual(expect.arrayContaining(['final_readings']));
      expect(await tables()).toEqual(expect.arrayContaining(['billable_consumptions', 'readings']));
      await db.revert(2);
      await db.connect();
      expect(await tables()).toEqual(['migrations']);
      expect(await db.migrate()).toEqual(names);
      expect(await tables()).toEqual(expect.arrayContaining(['final_readings', 'settings', 'billable_consumptions', 'outbox', 'inbox']));
    } finally {
      await db.close();
      await database.drop();
    }
  }, 60_000);
});
