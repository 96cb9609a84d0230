import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AllocationReadModels1732800000000 implements MigrationInterface {
  name = 'AllocationReadModels1732800000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
