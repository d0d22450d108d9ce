import { Controller, Get, Inject, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { AuditLogService, AuditRow } from '../../database/audit-log.service';
import type { Catalogue } from '../../common/i18n/messages';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleRequest, renderConsole } from './console-page';

const ROWS_SHOWN = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Where a row's subject is shown in the console. */
const SUBJECT_PAGES: Record<string, string> = { appeal: '/console/appeals/', case: '/console/cases/', supporter: '/console/members/' };

/** The audit log, newest first, for admins: who did what, when, to what; the log keeps ids and counts, the page shows today's names. */
@ApiExcludeController()
@Controller('console/audit')
@StaffPage('admin')
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleAuditController {
  constructor(
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async log(@Query('before') before: unknown, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const rows = await this.audit.page(ROWS_SHOWN + 1, typeof before === 'string' && UUID.test(before) ? before : undefined);
    const shown = rows.slice(0, ROWS_SHOWN);
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-audit',
      titleKey: 'consoleMembers.audit.title',
      section: '/console/audit',
      startedAt,
      model: {
        rows: shown.map((row) => ({
          ...row,
          when: new Date(row.at).toISOString().replace('T', ' ').slice(0, 19),
          what: messages.has(`consoleMembers.audit.action.${row.action}`) ? messages.t(`consoleMembers.audit.action.${row.action}`) : row.action,
          actorHref: row.actorId ? `/console/members/${row.actorId}` : null,
          subjectName: row.subjectLabel ?? (messages.has(`consoleMembers.audit.subjectType.${row.subjectType}`) ? messages.t(`consoleMembers.audit.subjectType.${row.subjectType}`) : row.subjectType),
          subjectHref: row.subjectId && SUBJECT_PAGES[row.subjectType] ? `${SUBJECT_PAGES[row.subjectType]}${row.subjectId}` : null,
          detailText: detailOf(row, messages),
        })),
        nextHref: rows.length > ROWS_SHOWN ? `/console/audit?before=${shown[shown.length - 1].id}` : null,
      },
    });
  }
}

/** A row's detail in the page's words: a change as "from -> to", an import's counts. */
function detailOf(row: AuditRow, messages: Catalogue): string {
  const detail = row.detail;
  const word = (key: string, value: unknown) => (messages.has(`${key}.${String(value)}`) ? messages.t(`${key}.${String(value)}`) : String(value));
  if (row.action === 'supporter.role') return messages.t('consoleMembers.audit.change', { from: word('consoleMembers.audit.roleName', detail.from), to: word('consoleMembers.audit.roleName', detail.to) });
  if (row.action === 'case.outcome') return messages.t('consoleMembers.audit.change', { from: word('caseStatus', detail.from), to: word('caseStatus', detail.to) });
  if (row.action === 'supporters.import' || row.action === 'officials.import') {
    return messages.t('consoleMembers.audit.imported', { created: Number(detail.created ?? 0), updated: Number(detail.updated ?? 0), skipped: Number(detail.skipped ?? 0), errors: Number(detail.errors ?? 0) });
  }
  return Object.entries(detail).map(([key, value]) => `${key}: ${String(value)}`).join(', ');
}
