import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { CasesService } from '../../cases/cases.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { isDomainError } from '../../common/errors';
import { catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { RepliesService } from '../../inbound/replies.service';
import { pageHeaders } from '../page-response';
import { dayOf } from '../view-format';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { textOf } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, queryText, seeOther, whole } from './console-page';

const PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DONE = ['added', 'exists', 'gone'] as const;

/**
 * A case's replies from officials, captured by the inbound listener: read here, never
 * forwarded to members. Each reply not yet on the case's timeline has a button that adds
 * it as an event, through RepliesService as POST /api/cases/:id/replies/:replyId/event does.
 */
@ApiExcludeController()
@Controller('console/cases/:id/replies')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleRepliesController {
  constructor(
    @Inject(RepliesService) private readonly replies: RepliesService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Param('id', UuidParam) id: string, @Query() query: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const page = whole(query.page, 1);
    const [record, found] = await Promise.all([this.cases.get(id), this.replies.list(id, page, PAGE_SIZE)]);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const base = `/console/cases/${id}/replies`;
    const done = queryText(query.done);
    const model = {
      caseName: record.name,
      caseHref: `/console/cases/${id}`,
      action: base,
      heading: messages.t('consoleReplies.heading', { name: record.name }),
      notice: (DONE as readonly string[]).includes(done) ? messages.t(`consoleReplies.done.${done}`) : '',
      replies: found.items.map((reply, index) => ({
        id: reply.id,
        headingId: `reply-${index + 1}`,
        subject: reply.subject || messages.t('consoleReplies.noSubject'),
        meta: messages.t('consoleReplies.meta', { day: dayOf(reply.receivedAt, staff.language), official: reply.officialName ?? messages.t('consoleReplies.unknownOfficial') }),
        from: reply.from ?? '',
        officialHref: reply.officialId ? `/console/officials/${reply.officialId}` : '',
        paragraphs: (reply.text ?? '').trim().split(/\n{2,}/).filter((paragraph) => paragraph.trim() !== ''),
        onTimeline: reply.caseEventId !== null,
        addLabel: messages.t('consoleReplies.add', { number: index + 1 }),
      })),
      pageText: messages.t('consoleReplies.pageOf', { page, pages, count: found.total }),
      previous: page > 1 ? `${base}?page=${page - 1}` : '',
      next: page < pages ? `${base}?page=${page + 1}` : '',
    };
    const csrf = this.csrf.tokenFor(request, response);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-case-replies', { ...model, csrf }, consoleLayout(model.heading, '/console/cases', staff, csrf));
  }

  /** Adds one reply to the timeline; a reply added meanwhile, or gone, says so instead. */
  @Post()
  async addToTimeline(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Res({ passthrough: true }) response: Response): Promise<string> {
    const base = `/console/cases/${id}/replies`;
    const replyId = textOf(body, 'replyId');
    if (!UUID.test(replyId)) return seeOther(response, `${base}?done=gone`);
    try {
      await this.replies.addToTimeline(id, replyId);
    } catch (error) {
      if (isDomainError(error, 'reply_event_exists')) return seeOther(response, `${base}?done=exists`);
      if (isDomainError(error, 'not_found')) return seeOther(response, `${base}?done=gone`);
      throw error;
    }
    return seeOther(response, `${base}?done=added`);
  }
}
