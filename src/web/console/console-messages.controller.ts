import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { CasesService } from '../../cases/cases.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { MESSAGE_STATUSES, MessageStatus } from '../../messages/message.entity';
import type { MessageDecision } from '../../messages/messages.repository';
import { ModerationService } from '../../moderation/moderation.service';
import { pageHeaders } from '../page-response';
import { dayOf, languageName } from '../view-format';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { textOf, valuesOf } from './console-form';
import { ConsoleRequest, queryText, seeOther, whole } from './console-page';
import { consoleLayout } from './console-layout';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECISIONS: readonly MessageDecision[] = ['approved', 'rejected'];

/**
 * A case's messages of solidarity, to moderate: tabs by status, the held ones with a
 * checkbox each, "Approve selected" and "Reject selected", and a pair of buttons per
 * message. One form, so it works without JavaScript: a row's own button names its message
 * (`decision=approved:<id>`), the buttons below the list take the ticked `ids`. Each calls
 * ModerationService, as POST /api/messages/:id/approve | reject does.
 */
@ApiExcludeController()
@Controller('console/cases/:id/messages')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleMessagesController {
  constructor(
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Param('id', UuidParam) id: string, @Query() query: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const status: MessageStatus = (MESSAGE_STATUSES as readonly string[]).includes(queryText(query.status)) ? (queryText(query.status) as MessageStatus) : 'held';
    const page = whole(query.page, 1);
    const [record, found, counts] = await Promise.all([this.cases.get(id), this.moderation.list(id, status, page, PAGE_SIZE), this.moderation.counts(id)]);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const base = `/console/cases/${id}/messages`;
    const link = (to: number) => `${base}?${new URLSearchParams({ status, page: String(to) }).toString()}`;
    const held = status === 'held';
    const model = {
      caseName: record.name,
      caseHref: `/console/cases/${id}`,
      action: base,
      heading: messages.t('consoleMessages.heading', { name: record.name }),
      acceptsMessages: record.acceptsMessages,
      notice: noticeOf(query, messages),
      tabs: MESSAGE_STATUSES.map((value) => ({ href: `${base}?status=${value}`, label: messages.t(`consoleMessages.tab.${value}`, { count: counts[value] }), current: value === status })),
      held,
      statusName: messages.t(`consoleMessages.status.${status}`),
      emptyText: messages.t(`consoleMessages.empty.${status}`),
      messages: found.items.map((message, index) => ({
        id: message.id,
        checkboxId: `message-${index + 1}`,
        textId: `message-${index + 1}-text`,
        paragraphs: message.text.split('\n'),
        language: message.language,
        meta: messages.t('consoleMessages.meta', { day: dayOf(message.createdAt, staff.language), language: languageName(message.language, staff.language) }),
        writerHref: message.supporterId ? `/console/members/${message.supporterId}` : '',
        selectLabel: messages.t('consoleMessages.select', { number: index + 1 }),
        approveValue: `approved:${message.id}`,
        rejectValue: `rejected:${message.id}`,
        rowLabel: messages.t('consoleMessages.rowButtons', { number: index + 1 }),
        decided: message.decidedAt ? messages.t('consoleMessages.decided', { day: dayOf(message.decidedAt, staff.language) }) : '',
      })),
      pageText: messages.t('consoleMessages.pageOf', { page, pages, count: found.total }),
      previous: page > 1 ? link(page - 1) : '',
      next: page < pages ? link(page + 1) : '',
    };
    const csrf = this.csrf.tokenFor(request, response);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-case-messages', { ...model, csrf }, consoleLayout(model.heading, '/console/cases', staff, csrf));
  }

  @Post()
  async decide(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const [decision, own] = textOf(body, 'decision').split(':');
    const base = `/console/cases/${id}/messages?status=held`;
    if (!DECISIONS.includes(decision as MessageDecision)) return seeOther(response, `${base}&done=none`);
    const ids = own !== undefined ? [own] : valuesOf(body, 'ids');
    const valid = ids.filter((candidate) => UUID.test(candidate));
    if (valid.length === 0) return seeOther(response, `${base}&done=none`);
    const { decided, skipped } = await this.moderation.decideMany(id, valid, decision as MessageDecision, staff.id);
    return seeOther(response, `${base}&done=${decision}&count=${decided}&skipped=${skipped + ids.length - valid.length}`);
  }
}

/** What the last post did, from the address it answered with. */
function noticeOf(query: Record<string, unknown>, messages: ReturnType<typeof catalogueOf>): string {
  const done = queryText(query.done);
  if (done === 'none') return messages.t('consoleMessages.done.none');
  if (!DECISIONS.includes(done as MessageDecision)) return '';
  const count = whole(query.count, 0);
  const skipped = whole(query.skipped, 0);
  const said = messages.t(`consoleMessages.done.${done}`, { count });
  return skipped > 0 ? `${said} ${messages.t('consoleMessages.done.skipped', { count: skipped })}` : said;
}
