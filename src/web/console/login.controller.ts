import { Body, Controller, Get, HttpStatus, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../../auth/auth.service';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffSessionsService } from '../../auth/staff-sessions.service';
import { Public } from '../../common/auth/roles.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { RateLimited } from '../../common/rate-limit/rate-limit.guard';
import { visitorLanguage } from '../page-language';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { ConsoleExceptionFilter, MemberSignInError } from './console-exception.filter';
import { signedOutLayout } from './console-layout';
import { seeOther } from './console-page';
import { CONSOLE_HOME, safeNext } from './safe-next';


/**
 * Signing in and out of the staff console. POST /login checks the password as
 * POST /api/auth/login does (AuthService, the same rate limits) and opens a server-side
 * session (StaffSessionsService) for coordinators and admins; POST /logout deletes it.
 * Every post carries the page's CSRF token (CsrfGuard, before the rate limit).
 */
@ApiExcludeController()
@Controller()
@Public()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class LoginController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get('login')
  async form(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const next = safeNext(request.query.next);
    if (await this.sessions.callerOf(request)) return seeOther(response, next);
    return this.page(request, response, HttpStatus.OK, { email: '', next, refused: false });
  }

  /** One refusal for an unknown email, a wrong password and an inactive account: the same words, status and (scrypt) time. */
  @Post('login')
  @RateLimited('login')
  async login(@Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const next = safeNext(body.next);
    const supporter = email && password ? await this.auth.verifyCredentials(email, password) : null;
    if (!supporter) return this.page(request, response, HttpStatus.UNAUTHORIZED, { email, next, refused: true });
    // The right password of a member: saying so tells nothing to whoever lacks it, and spares the member a useless password reset.
    if (supporter.role !== 'coordinator' && supporter.role !== 'admin') throw new MemberSignInError();
    // A session cookie already held (another account's, or a stale one) ends with this sign-in.
    await this.sessions.end(request);
    this.sessions.setCookie(response, await this.sessions.open(supporter.id));
    return seeOther(response, next);
  }

  @Post('logout')
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    await this.sessions.close(request, response);
    return seeOther(response, '/login');
  }

  private page(request: Request, response: Response, status: number, form: { email: string; next: string; refused: boolean }): string {
    const language = visitorLanguage(request);
    const messages = catalogueOf(language);
    pageHeaders(response, status);
    const model = { ...form, next: form.next === CONSOLE_HOME ? '' : form.next, csrf: this.csrf.tokenFor(request, response) };
    return this.views.render('login', model, signedOutLayout(messages.t(form.refused ? 'console.login.refusedTitle' : 'console.login.title'), language));
  }
}
