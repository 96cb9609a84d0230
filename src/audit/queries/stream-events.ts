import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { StreamNotFoundError } from '../../event-store/errors.js';
import { EVENT_STORE, type EventStore, MAX_LOG_POSITION, type RecordedEvent } from '../../event-store/event-store.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { IsLogNumber } from '../../http/request-fields.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

export class StreamQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ type: String, example: '0', description: `First revision to return, 0 to ${MAX_LOG_POSITION}` })
  @IsOptional()
  @IsLogNumber()
  fromRevision?: string;

  @ApiPropertyOptional({ example: 1000, description: 'At most this many events (1–10000, default 1000)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
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
  @ApiOperation({ summary: 'The raw events of a stream with their metadata (auditors)' })
  @ApiOkResponse({
    schema: {
      example: {
        streamId: 'municipality-0115',
        events: [
          {
            revision: '0',
            position: '751000001',
            type: 'SituationReported',
            data: { reportId: '6f1c…', municipality: '0115', reportedAt: '2026-03-04T07:00:00.000Z' },
            metadata: { eventId: '…', actor: 'u-17', role: 'municipality', occurredAt: '2026-03-04T07:00:00.000Z', schemaVersion: 1 },
            recordedAt: '2026-03-04T07:02:11.000Z',
          },
        ],
      },
    },
  })
  async events(@Param('streamId') streamId: string, @Query() query: StreamQueryDto, @CurrentActor() actor: Actor) {
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
