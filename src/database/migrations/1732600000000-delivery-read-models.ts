import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryReadModels1732600000000 implements MigrationInterface {
  name = 'DeliveryReadModels1732600000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
