import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportingReadModels1732700000000 implements MigrationInterface {
  name = 'ReportingReadModels1732700000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
