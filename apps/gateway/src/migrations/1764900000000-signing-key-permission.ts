import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The permission of the signing-key admin routes, with its description (the boot-time sync adds codes only). */
export class SigningKeyPermission1764900000000 implements MigrationInterface {
  name = 'SigningKeyPermission1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO identity.permissions (code, description)
       VALUES ('platform.keys.manage', 'List, rotate and retire the access-token signing keys (platform operators only)')
       ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM identity.permissions WHERE code = 'platform.keys.manage'`);
  }
}
