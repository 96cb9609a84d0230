import { Module } from '@nestjs/common';

/** What auditors read: the raw log of any stream with its metadata. */
@Module({})
export class AuditModule {}
