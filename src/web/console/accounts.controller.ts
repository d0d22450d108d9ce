import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { passwordProblems, StaffAccountsService } from '../../auth/staff-accounts.service';
import { Public } from '../../common/auth/roles.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { RateLimited } from '../../common/rate-limit/rate-limit.guard';
import { visitorLanguage } from '../page-language';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { signedOutLayout } from './console-layout';
import { fieldOf, seeOther } from './console-page';

/** A link's token as the worker makes it: 32 random bytes, base64url. */
const TOKEN_FORM = /^[A-Za-z0-9_-]{43}$/;

/**
 * Forgotten passwords, signed out: /password/forgot mails a single-use link to an active
 * staff account (the same answer whether or not the email is one), /password/reset/<token>
 * sets a password through it (an invitation's link too). The login rate limits apply.
 */
@ApiExcludeController()
@Controller('password')
@Public()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class PasswordController {
  constructor(
    @Inject(StaffAccountsService) private readonly accounts: StaffAccountsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get('forgot')
  forgotForm(@Req() request: Request, @Res({ passthrough: true }) response: Response): string {
    return this.page(request, response, HttpStatus.OK, 'password-forgot', 'consoleMembers.forgot.title', { email: '', sent: false });
  }

  @Post('forgot')
  @RateLimited('login')
  async forgot(@Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const email = fieldOf(body, 'email', 254);
    if (!email.includes('@')) return this.page(request, response, HttpStatus.BAD_REQUEST, 'password-forgot', 'consoleMembers.forgot.title', { email, sent: false, problem: true });
    await this.accounts.requestReset(email);
    // The same page for every address: it tells nobody which emails have accounts.
    return this.page(request, response, HttpStatus.OK, 'password-forgot', 'consoleMembers.forgot.title', { email: '', sent: true });
  }

  @Get('reset/:token')
  async resetForm(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const works = TOKEN_FORM.test(token) && (await this.accounts.linkWorks(token));
    if (!works) return this.page(request, response, HttpStatus.GONE, 'password-reset', 'consoleMembers.reset.deadTitle', { dead: true });
    return this.page(request, response, HttpStatus.OK, 'password-reset', 'consoleMembers.reset.title', { token, errors: {} });
  }

  @Post('reset/:token')
  @RateLimited('login')
  async reset(@Param('token') token: string, @Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const password = fieldOf(body, 'password', 1000);
    const problems = passwordProblems(password, fieldOf(body, 'passwordRepeat', 1000));
    const messages = catalogueOf(visitorLanguage(request));
    if (Object.keys(problems).length > 0) {
      const errors = Object.fromEntries(Object.entries(problems).map(([field, code]) => [field, messages.t(`consoleMembers.password.${code}`)]));
      return this.page(request, response, HttpStatus.BAD_REQUEST, 'password-reset', 'consoleMembers.reset.title', { token, errors });
    }
    if (!TOKEN_FORM.test(token) || !(await this.accounts.resetWith(token, password))) {
      return this.page(request, response, HttpStatus.GONE, 'password-reset', 'consoleMembers.reset.deadTitle', { dead: true });
    }
    return seeOther(response, '/password/done');
  }

  @Get('done')
  done(@Req() request: Request, @Res({ passthrough: true }) response: Response): string {
    return this.page(request, response, HttpStatus.OK, 'password-done', 'consoleMembers.reset.doneTitle', {});
  }

  private page(request: Request, response: Response, status: number, view: string, titleKey: string, model: object): string {
    const language = visitorLanguage(request);
    pageHeaders(response, status);
    const title = catalogueOf(language).t(titleKey);
    return this.views.render(view, { ...model, csrf: this.csrf.tokenFor(request, response) }, signedOutLayout(title, language));
  }
}
