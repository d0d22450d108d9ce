import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { passwordProblems, StaffAccountsService } from '../../auth/staff-accounts.service';
import { Role, ROLES } from '../../common/auth/roles';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { isDomainError } from '../../common/errors';
import { Catalogue, catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { StatsService } from '../../stats/stats.service';
import { CreateSupporterDto, memberSearchOf } from '../../supporters/dto/supporter.dto';
import { SupportersService } from '../../supporters/supporters.service';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleRequest, fieldOf, formProblems, renderConsole, seeOther } from './console-page';

const LANGUAGES = ['en', 'ru', 'fr', 'de', 'es', 'tg', 'uz'];

type ListWords = { roleNames: Record<Role, string>; yes: string; no: string };

/** The words of every row of the members list, by catalogue: looked up once, not twice a row. */
const LIST_WORDS = new WeakMap<Catalogue, ListWords>();

function listWordsOf(messages: Catalogue): ListWords {
  let words = LIST_WORDS.get(messages);
  if (!words) {
    const roleNames = Object.fromEntries(ROLES.map((role) => [role, messages.t(`consoleMembers.roleName.${role}`)])) as Record<Role, string>;
    words = { roleNames, yes: messages.t('consoleMembers.list.yes'), no: messages.t('consoleMembers.list.no') };
    LIST_WORDS.set(messages, words);
  }
  return words;
}

/**
 * The console's members: search and filters (SupportersService.search, pages of 50 by
 * keyset), one member's record and letters (StatsService, as /api/stats/supporters/:id),
 * deactivation and roles (SupportersService.update, as PATCH /api/supporters/:id, with its
 * rule: coordinators change members' `active`, admins anything), an admin's invitation of a
 * coordinator, and a staff member's own password.
 */
@ApiExcludeController()
@Controller('console')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleMembersController {
  constructor(
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(StaffAccountsService) private readonly accounts: StaffAccountsService,
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get('members')
  async list(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const query = memberSearchOf(request.query);
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const words = listWordsOf(messages);
    const { items, next } = await this.supporters.search({ ...query, limit: 50 });
    const filters = { q: query.q ?? '', role: query.role ?? '', active: query.active ?? '', language: query.language ?? '' };
    const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
    const firstHref = query.after ? `/console/members?${params.toString()}` : null;
    if (next) params.set('after', next);
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-members',
      titleKey: 'consoleMembers.list.title',
      section: '/console/members',
      startedAt,
      model: {
        filters,
        isAdmin: staff.role === 'admin',
        roles: ROLES.map((role) => ({ value: role, label: words.roleNames[role], selected: role === filters.role })),
        languages: LANGUAGES.map((language) => ({ value: language, selected: language === filters.language })),
        activeChoices: ['true', 'false'].map((value) => ({ value, label: messages.t(`consoleMembers.list.active_${value}`), selected: value === filters.active })),
        members: items.map((member) => ({
          id: member.id,
          name: member.name,
          email: member.email,
          language: member.language,
          roleName: words.roleNames[member.role],
          activeName: member.active ? words.yes : words.no,
        })),
        nextHref: next ? `/console/members?${params.toString()}` : null,
        firstHref,
      },
    });
  }

  @Get('members/invite')
  @StaffPage('admin')
  inviteForm(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): string {
    return this.invitePage(request, response, HttpStatus.OK, { email: '', name: '', country: '', language: 'en' }, {});
  }

  @Post('members/invite')
  @StaffPage('admin')
  async invite(@Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const values = { email: fieldOf(body, 'email', 254), name: fieldOf(body, 'name', 200), country: fieldOf(body, 'country', 2), language: fieldOf(body, 'language', 2) || 'en' };
    const { value, problems } = await formProblems(CreateSupporterDto, values, staff.language);
    if (Object.keys(problems).length > 0) return this.invitePage(request, response, HttpStatus.BAD_REQUEST, values, problems);
    try {
      const account = await this.accounts.invite(staff, value);
      return seeOther(response, `/console/members/${account.id}?invited=1`);
    } catch (error) {
      if (!isDomainError(error, 'supporter_exists')) throw error;
      return this.invitePage(request, response, HttpStatus.BAD_REQUEST, values, { email: catalogueOf(staff.language).t('consoleMembers.fieldProblem.emailTaken') });
    }
  }

  @Get('account')
  accountForm(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): string {
    return this.accountPage(request, response, HttpStatus.OK, {});
  }

  @Post('account')
  async changePassword(@Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const password = fieldOf(body, 'password', 1000);
    const problems = passwordProblems(password, fieldOf(body, 'passwordRepeat', 1000));
    const errors: Record<string, string> = Object.fromEntries(Object.entries(problems).map(([field, code]) => [field, messages.t(`consoleMembers.password.${code}`)]));
    if (Object.keys(errors).length === 0 && !(await this.accounts.changeOwn(staff, fieldOf(body, 'currentPassword', 1000), password, request))) {
      errors.currentPassword = messages.t('consoleMembers.password.current_wrong');
    }
    if (Object.keys(errors).length > 0) return this.accountPage(request, response, HttpStatus.BAD_REQUEST, errors);
    return seeOther(response, '/console/account?changed=1');
  }

  @Get('members/:id')
  async member(@Param('id', UuidParam) id: string, @Query('invited') invited: unknown, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const member = await this.supporters.get(staff, id);
    const [counts, history] = await Promise.all([this.stats.forSupporter(staff, id), this.stats.supporterHistory(id)]);
    const byCase = new Map<string, { caseName: string; letters: typeof history.letters }>();
    for (const letter of history.letters) {
      const group = byCase.get(letter.caseName) ?? { caseName: letter.caseName, letters: [] };
      group.letters.push({ ...letter, status: messages.t(`letterStatus.${letter.status}`) });
      byCase.set(letter.caseName, group);
    }
    const isAdmin = staff.role === 'admin';
    const staffAccount = member.role !== 'member';
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-member',
      titleKey: 'consoleMembers.member.title',
      section: '/console/members',
      startedAt,
      model: {
        member: { ...member, roleName: messages.t(`consoleMembers.roleName.${member.role}`), createdOn: member.createdAt.toISOString().slice(0, 10) },
        invited: invited === '1',
        counts: Object.entries(counts.letters)
          .filter(([status]) => status !== 'total')
          .map(([status, count]) => ({ status: messages.t(`letterStatus.${status}`), count })),
        total: counts.letters.total,
        cases: [...byCase.values()],
        self: member.id === staff.id,
        // The same rule as SupportersService.update: a coordinator changes members only.
        mayDeactivate: member.id !== staff.id && (isAdmin || !staffAccount),
        maySetRole: isAdmin && member.id !== staff.id,
        roles: ROLES.map((role) => ({ value: role, label: messages.t(`consoleMembers.roleName.${role}`), selected: role === member.role })),
      },
    });
  }

  @Post('members/:id/active')
  async setActive(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    await this.supporters.update(staffOf(request), id, { active: fieldOf(body, 'active') === 'true' });
    return seeOther(response, `/console/members/${id}`);
  }

  @Post('members/:id/role')
  @StaffPage('admin')
  async setRole(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const role = ROLES.find((candidate) => candidate === fieldOf(body, 'role'));
    if (!role) return seeOther(response, `/console/members/${id}`);
    await this.supporters.update(staffOf(request), id, { role });
    return seeOther(response, `/console/members/${id}`);
  }

  private invitePage(request: ConsoleRequest, response: Response, status: number, values: Record<string, string>, errors: Record<string, string>): string {
    const staff = staffOf(request);
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-invite',
      titleKey: 'consoleMembers.invite.title',
      section: '/console/members',
      status,
      model: { values, errors, hasErrors: Object.keys(errors).length > 0, languages: LANGUAGES.map((language) => ({ value: language, selected: language === values.language })) },
    });
  }

  private accountPage(request: ConsoleRequest, response: Response, status: number, errors: Record<string, string>): string {
    const staff = staffOf(request);
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-account',
      titleKey: 'consoleMembers.account.title',
      section: '/console/account',
      status,
      model: { errors, hasErrors: Object.keys(errors).length > 0, changed: request.query.changed === '1' },
    });
  }
}
