import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppealsService } from '../../appeals/appeals.service';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { NoteDecision, NoteModerationService } from '../../note-moderation/note-moderation.service';
import { pageHeaders } from '../page-response';
import { dayOf } from '../view-format';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { textOf, valuesOf } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, queryText, seeOther, whole } from './console-page';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECISIONS: readonly NoteDecision[] = ['approved', 'rejected'];

/**
 * An appeal's held notes, to moderate: each with a checkbox, "Approve selected" and "Reject
 * selected", and a pair of buttons per note. One form, so it works without JavaScript: a
 * row's own button names its signature (`decision=approved:<id>`), the buttons below the list
 * take the ticked `ids`. Each calls NoteModerationService, as POST /api/signatures/:id/approve | reject does.
 */
@ApiExcludeController()
@Controller('console/appeals/:id/held')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleHeldNotesController {
  constructor(
    @Inject(NoteModerationService) private readonly moderation: NoteModerationService,
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Param('id', UuidParam) id: string, @Query() query: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const page = whole(query.page, 1);
    const appeal = await this.appeals.get(id);
    const found = await this.moderation.held(id, page, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const base = `/console/appeals/${id}/held`;
    const link = (to: number) => `${base}?${new URLSearchParams({ page: String(to) }).toString()}`;
    const model = {
      appealTitle: appeal.title,
      appealHref: `/console/appeals/${id}`,
      action: base,
      heading: messages.t('consoleHeldNotes.heading', { title: appeal.title }),
      notice: noticeOf(query, messages),
      notes: found.items.map((note, index) => ({
        id: note.id,
        checkboxId: `note-${index + 1}`,
        textId: `note-${index + 1}-text`,
        paragraphs: note.note.split('\n'),
        meta: messages.t('consoleHeldNotes.meta', { day: dayOf(note.createdAt, staff.language), style: messages.t(`signatureStyle.${note.signatureStyle}`), count: note.letters }),
        selectLabel: messages.t('consoleHeldNotes.select', { number: index + 1 }),
        approveValue: `approved:${note.id}`,
        rejectValue: `rejected:${note.id}`,
        rowLabel: messages.t('consoleHeldNotes.rowButtons', { number: index + 1 }),
      })),
      pageText: messages.t('consoleHeldNotes.pageOf', { page, pages, count: found.total }),
      previous: page > 1 ? link(page - 1) : '',
      next: page < pages ? link(page + 1) : '',
    };
    const csrf = this.csrf.tokenFor(request, response);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-appeal-held', { ...model, csrf }, consoleLayout(model.heading, '/console/appeals', staff, csrf));
  }

  @Post()
  async decide(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const [decision, own] = textOf(body, 'decision').split(':');
    const base = `/console/appeals/${id}/held`;
    if (!DECISIONS.includes(decision as NoteDecision)) return seeOther(response, `${base}?done=none`);
    const ids = own !== undefined ? [own] : valuesOf(body, 'ids');
    const valid = ids.filter((candidate) => UUID.test(candidate));
    if (valid.length === 0) return seeOther(response, `${base}?done=none`);
    const { decided, skipped } = await this.moderation.decideMany(id, valid, decision as NoteDecision, staff.id);
    return seeOther(response, `${base}?done=${decision}&count=${decided}&skipped=${skipped + ids.length - valid.length}`);
  }
}

/** What the last post did, from the address it answered with. */
function noticeOf(query: Record<string, unknown>, messages: ReturnType<typeof catalogueOf>): string {
  const done = queryText(query.done);
  if (done === 'none') return messages.t('consoleHeldNotes.done.none');
  if (!DECISIONS.includes(done as NoteDecision)) return '';
  const count = whole(query.count, 0);
  const skipped = whole(query.skipped, 0);
  const said = messages.t(`consoleHeldNotes.done.${done}`, { count });
  return skipped > 0 ? `${said} ${messages.t('consoleHeldNotes.done.skipped', { count: skipped })}` : said;
}
