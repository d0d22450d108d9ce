import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Logger, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { UuidParam } from '../common/uuid.pipe';
import { DeliveryOverview, DeliveryStats, SupporterStats } from './dto/stats.dto';
import { LETTER_EXPORT_COLUMNS, LetterExportService } from './letter-export.service';
import { StatsService } from './stats.service';

@ApiTags('stats')
@Controller('api/stats')
export class StatsController {
  private readonly logger = new Logger(StatsController.name);

  constructor(
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(LetterExportService) private readonly exports: LetterExportService,
  ) {}

  @Allow('admin')
  @Get('overview')
  @ApiOperation({ summary: 'Every letter at a glance: counts, throughput, failures' })
  @ApiOkResponse({ type: DeliveryOverview })
  overview(): Promise<DeliveryOverview> {
    return this.stats.overview();
  }

  @Allow('coordinator')
  @Get('cases/:id')
  @ApiOperation({ summary: "A case's letters" })
  @ApiOkResponse({ type: DeliveryStats })
  forCase(@Param('id', UuidParam) id: string): Promise<DeliveryStats> {
    return this.stats.forScope('case', id);
  }

  /** One row per letter, streamed; the supporter's email only for an admin. */
  @Allow('coordinator')
  @Get('cases/:id/letters.csv')
  @ApiOperation({ summary: "A case's letters as CSV, one row per letter (supporter_email for admins)" })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `Columns ${LETTER_EXPORT_COLUMNS.join(', ')} (+ supporter_email for admins)`, schema: { type: 'string' } })
  async caseLettersCsv(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Res() response: Response): Promise<void> {
    await this.exports.assertCase(id);
    const withEmail = caller.role === 'admin';
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="case-${id}-letters.csv"`);
    try {
      await pipeline(
        Readable.from(this.exports.lettersOfCase(id, withEmail)),
        stringify({ header: true, columns: withEmail ? [...LETTER_EXPORT_COLUMNS, 'supporter_email'] : [...LETTER_EXPORT_COLUMNS], cast: { date: (date) => date.toISOString() } }),
        response,
      );
    } catch (error) {
      // The headers are gone: a broken export can only end the response, which pipeline did.
      this.logger.warn(`Letters export of case ${id} stopped: ${(error as Error).message.slice(0, 200)}`);
    }
  }

  @Allow('coordinator')
  @Get('appeals/:id')
  @ApiOperation({ summary: "An appeal's letters" })
  @ApiOkResponse({ type: DeliveryStats })
  forAppeal(@Param('id', UuidParam) id: string): Promise<DeliveryStats> {
    return this.stats.forScope('appeal', id);
  }

  @Allow('coordinator')
  @Get('officials/:id')
  @ApiOperation({ summary: "An official's letters, across every appeal" })
  @ApiOkResponse({ type: DeliveryStats })
  forOfficial(@Param('id', UuidParam) id: string): Promise<DeliveryStats> {
    return this.stats.forScope('official', id);
  }

  @Allow('member')
  @Get('supporters/:id')
  @ApiOperation({ summary: "A supporter's letters by status and by case (a member: only its own)" })
  @ApiOkResponse({ type: SupporterStats })
  forSupporter(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<SupporterStats> {
    return this.stats.forSupporter(caller, id);
  }
}
