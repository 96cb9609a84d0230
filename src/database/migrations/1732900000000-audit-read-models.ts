import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditReadModels1732900000000 implements MigrationInterface {
  name = 'AuditReadModels1732900000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
