import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiLogPosition, ApiUuid } from '../../http/api-properties.js';
import { IsString, Length } from 'class-validator';
import { ReferenceData } from '../../reference/reference-data.js';
import { type CommandContext, newEntityId } from '../../shared/command-context.js';
import { Context } from '../../http/command-context.decorator.js';
import { CommandHandling } from '../../event-store/command-handling.service.js';
import { situationReportDecider } from '../domain/situation-report.decider.js';
import { municipalityStream } from '../domain/situation-report.events.js';
import { ReportFiguresDto } from '../report-figures.dto.js';

export class CorrectSituationReportDto extends ReportFiguresDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    example: 'Två boenden räknades dubbelt / two care homes were counted twice',
    description: 'Why the figures change',
  })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class CorrectSituationReportResult {
  @ApiUuid()
  correctionId: string;

  @ApiUuid({ description: 'The report corrected' })
  corrects: string;

  @ApiLogPosition()
  position: string;
}

export class CorrectSituationReport extends Command<CorrectSituationReportResult> {
  constructor(
    readonly municipality: string,
    readonly reportId: string,
    readonly body: CorrectSituationReportDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CorrectSituationReport)
export class CorrectSituationReportHandler implements ICommandHandler<CorrectSituationReport, CorrectSituationReportResult> {
  constructor(
    private readonly commands: CommandHandling,
    private readonly reference: ReferenceData,
  ) {}

  async execute({ municipality, reportId, body, context }: CorrectSituationReport): Promise<CorrectSituationReportResult> {
    this.reference.requireItems(body.lines);
    const correctionId = newEntityId(context, 'correction');
    const streamId = municipalityStream(municipality);
    const command = {
      type: 'CorrectSituationReport',
      correctionId,
      municipality,
      corrects: reportId,
      reason: body.reason,
      figures: body,
    } as const;
    const result = await this.commands.handle({
      streamId,
      decider: situationReportDecider,
      command,
      context,
      // The correction describes the corrected report's moment: that is its business time.
      occurredAt: (state) => new Date(state.reports.get(reportId)?.reportedAt ?? context.now),
    });
    return { correctionId, corrects: reportId, position: result.position!.toString() };
  }
}

@ApiTags('reporting')
@ApiBearerAuth()
@Controller('municipalities/:code/reports/:reportId/corrections')
export class CorrectSituationReportController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'correctSituationReport',
    summary: 'Correct an earlier report: new figures and the reason; the original stays in the log',
    description: 'Balances are put right for the time the corrected report describes.',
  })
  @ApiParam({ name: 'code', description: 'Municipality code (GET /api/municipalities)', example: '0115' })
  @ApiParam({
    name: 'reportId',
    format: 'uuid',
    description: 'A report of the municipality: `reportId` of GET /api/municipalities/{code}/reports',
  })
  @ApiCreatedResponse({ type: CorrectSituationReportResult })
  correct(
    @Param('code') code: string,
    @Param('reportId', new ParseUUIDPipe({ version: undefined })) reportId: string,
    @Body() body: CorrectSituationReportDto,
    @Context() context: CommandContext,
  ) {
    return this.commands.execute(new CorrectSituationReport(code, reportId, body, context));
  }
}
