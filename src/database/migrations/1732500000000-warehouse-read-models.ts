import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WarehouseReadModels1732500000000 implements MigrationInterface {
  name = 'WarehouseReadModels1732500000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
