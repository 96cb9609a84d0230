import { Module } from '@nestjs/common';
import { StreamEventsController } from './queries/stream-events.js';

/** What auditors read: the raw log of any stream with its metadata. */
@Module({ controllers: [StreamEventsController] })
export class AuditModule {}
