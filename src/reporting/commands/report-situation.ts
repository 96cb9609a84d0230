import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { IsInstant } from '../../http/request-fields.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { situationReportDecider } from '../domain/situation-report.decider.js';
import { municipalityStream } from '../domain/situation-report.events.js';
import { ReportFiguresDto } from '../report-figures.dto.js';

export class ReportSituationDto extends ReportFiguresDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-04T08:00:00+01:00', description: 'When the figures were counted (business time)' })
  @IsInstant()
  reportedAt: string;
}

export class ReportSituationResult {
  @ApiUuid({ description: 'The report’s id: corrections name it' })
  reportId: string;

  @ApiProperty({ pattern: '^\\d{4}-W\\d{2}$', example: '2026-W10', description: 'The ISO week the report counts for' })
  period: string;

  @ApiLogPosition()
  position: string;
}

export class ReportSituation extends Command<ReportSituationResult> {
  constructor(
    readonly municipality: string,
    readonly body: ReportSituationDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReportSituation)
export class ReportSituationHandler implements ICommandHandler<ReportSituation, ReportSituationResult> {
  constructor(
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ municipality, body, context }: ReportSituation): Promise<ReportSituationResult> {
    this.reference.requireItems(body.lines);
    const reportedAt = new Date(body.reportedAt);
    const reportId = newEntityId(context, 'report');
    const result = await this.commands.handle({
      streamId: municipalityStream(municipality),
      decider: situationReportDecider,
      command: { type: 'ReportSituation', reportId, municipality, reportedAt, figures: body, now: context.now },
      context,
      occurredAt: reportedAt,
    });
    const event = result.events[0]!;
    return {
      reportId,
      period: event.type === 'SituationReported' ? event.data.period : '',
      position: result.position!.toString(),
    };
  }
}

@ApiTags('reporting')
@ApiBearerAuth()
@Controller('municipalities/:code/reports')
export class ReportSituationController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'reportSituation',
    summary: 'Report a municipality’s situation: infections in care homes, stock on hand, use and requests per item',
    description: 'By the municipality itself or the county board. Reports describe moments in order; to change an earlier one, correct it.',
  })
  @ApiParam({ name: 'code', description: 'Municipality code (GET /api/municipalities)', example: '0115' })
  @ApiCreatedResponse({ type: ReportSituationResult })
  report(@Param('code') code: string, @Body() body: ReportSituationDto, @Context() context: CommandContext) {
    return this.commands.execute(new ReportSituation(code, body, context));
  }
}
