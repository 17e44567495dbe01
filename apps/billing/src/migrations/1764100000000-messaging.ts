import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from '@supra/platform/database';
import { dropMessagingTablesSql, messagingTablesSql } from '@supra/platform/messaging';

export class Messaging1764100000000 implements MigrationInterface {
  name = 'Messaging1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, messagingTablesSql('billing'));
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, dropMessagingTablesSql('billing'));
  }
}
