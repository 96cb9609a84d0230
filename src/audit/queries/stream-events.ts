import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { StreamNotFoundError } from '../../event-store/errors.js';
import { EVENT_STORE, type EventMetadata, type EventStore, MAX_LOG_POSITION, type RecordedEvent } from '../../event-store/event-store.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { IsLogNumber } from '../../http/request-fields.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

export class StreamQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    pattern: '^[0-9]{1,19}$',
    description: `First revision to return (a decimal string, 0 to ${MAX_LOG_POSITION}); 0 when omitted`,
  })
  @IsOptional()
  @IsLogNumber()
  fromRevision?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000, default: 1000, description: 'At most this many events (1–10000, default 1000)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class EventMetadataDto implements EventMetadata {
  @ApiProperty({ format: 'uuid' })
  readonly eventId: string;
  @ApiProperty({ description: 'The request (or process) that wrote it' })
  readonly correlationId: string;
  @ApiProperty({ description: 'What caused it: the command’s correlation id, or the event a reaction answered' })
  readonly causationId: string;
  @ApiProperty({ example: 'u-17', description: 'The acting user’s subject, or a system actor such as `system:seed`' })
  readonly actor: string;
  @ApiPropertyOptional({ example: 'Karin Ek' })
  readonly actorName?: string;
  @ApiProperty({ example: 'municipality' })
  readonly role: string;
  @ApiProperty({ format: 'date-time', description: 'Business time the event describes; may differ from `recordedAt`' })
  readonly occurredAt: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The version of its type’s schema `data` was written in' })
  readonly schemaVersion: number;
  @ApiPropertyOptional({ description: 'Idempotency key of the command that wrote it, when there was one' })
  readonly idempotencyKey?: string;
}

export class StreamEventDto {
  @ApiProperty({ pattern: '^[0-9]{1,19}$', description: 'Its place in the stream, from 0' })
  readonly revision: string;
  @ApiProperty({ pattern: '^[0-9]{1,19}$', description: 'Its place in the log (what `waitFor` and `knownAt` take)' })
  readonly position: string;
  @ApiProperty({ example: 'SituationReported', description: 'The event type: a stable name, never a class name' })
  readonly type: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The event’s data exactly as recorded, in the schema version `metadata.schemaVersion` of its type (see each ' +
      'context’s `domain/*.events.ts`): not upcast',
  })
  readonly data: unknown;
  @ApiProperty({ type: () => EventMetadataDto })
  readonly metadata: EventMetadataDto;
  @ApiProperty({ format: 'date-time', description: 'When the store recorded it' })
  readonly recordedAt: string;
}

export class StreamEventsDto {
  @ApiProperty({ example: 'municipality-0115' })
  readonly streamId: string;
  @ApiProperty({ type: () => [StreamEventDto], description: 'In revision order' })
  readonly events: readonly StreamEventDto[];
}

/**
 * The auditor's raw view of any stream: its events in order, exactly as recorded (data in the
 * schema version it was written in), with their metadata and log positions. Read from the event
 * store itself, not from a read model.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/streams')
export class StreamEventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reference: ReferenceData,
  ) {}

  @Get(':streamId')
  @ApiOperation({ operationId: 'getStreamEvents', summary: 'The raw events of a stream with their metadata (auditors)' })
  @ApiParam({
    name: 'streamId',
    example: 'municipality-0115',
    description: 'A stream: `municipality-{code}`, `warehouse-{id}`, `allocation-{id}`, `delivery-{id}`, `purchase-{id}`, `national-request-{id}` …',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$' },
  })
  @ApiOkResponse({ type: StreamEventsDto })
  async events(@Param('streamId') streamId: string, @Query() query: StreamQueryDto, @CurrentActor() actor: Actor): Promise<StreamEventsDto> {
    if (!STREAM_ID.test(streamId)) {
      throw new DomainError('AUDIT.BAD_STREAM_ID', 'not a stream id', 'invalid', { field: 'streamId' });
    }
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(streamId, {
        fromRevision: BigInt(query.fromRevision ?? '0'),
        maxCount: query.limit ?? 1000,
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) {
        throw new DomainError('AUDIT.UNKNOWN_STREAM', `no stream ${streamId}`, 'not-found');
      }
      throw error;
    }
    if (actor.county !== undefined) assertInScope(actor, { county: this.countyOf(streamId, events) ?? '(unknown)' });
    return {
      streamId,
      events: events.map((e) => ({
        revision: e.revision.toString(),
        position: e.position.toString(),
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
      })),
    };
  }

  /** The county a stream belongs to, for auditors whose token is limited to one county. */
  private countyOf(streamId: string, events: readonly RecordedEvent[]): string | undefined {
    const [category, ...rest] = streamId.split('-');
    const id = rest.join('-');
    if (category === 'municipality') return this.reference.municipality(id)?.countyCode;
    if (category === 'warehouse') return this.reference.warehouse(id)?.countyCode;
    const county = (events[0]?.data as { county?: unknown } | undefined)?.county;
    return typeof county === 'string' ? county : undefined;
  }
}
