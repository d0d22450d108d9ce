import { ArgumentsHost, Catch, ExceptionFilter, ForbiddenException, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfRefusedError } from '../../auth/csrf.service';
import { SignInRequiredError } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { visitorLanguage } from '../page-language';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { WebExceptionFilter } from '../web-exception.filter';
import { signedOutLayout } from './console-layout';

/** A member who typed the right password at /login: told the console is not for them (no session is made). */
export class MemberSignInError extends Error {
  constructor() {
    super('a member cannot open the console');
  }
}

/**
 * The console's refusals as pages: anonymous -> 303 to /login?next=, a member or another
 * role -> 403, a form without its CSRF token -> 403, too many sign-ins -> 429 (its
 * Retry-After set by the rate limit). Anything else is the member pages' filter's.
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(ViewsService) private readonly views: ViewsService,
    @Inject(WebExceptionFilter) private readonly pages: WebExceptionFilter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request & { caller?: { language?: string } }>();
    if (response.headersSent) return;
    if (exception instanceof SignInRequiredError) {
      response.status(HttpStatus.SEE_OTHER).setHeader('Location', `/login?next=${encodeURIComponent(exception.next)}`);
      response.setHeader('Cache-Control', 'no-store');
      response.end();
      return;
    }
    const language = request.caller?.language ?? visitorLanguage(request);
    const messages = catalogueOf(language);
    const problem = (status: number, key: string, paragraphs: string[]): void => {
      pageHeaders(response, status);
      const heading = messages.t(`console.${key}.heading`);
      response.send(this.views.render('problem', { heading, paragraphs }, signedOutLayout(heading, language)));
    };
    if (exception instanceof CsrfRefusedError) return problem(HttpStatus.FORBIDDEN, 'csrf', [messages.t('console.csrf.text1'), messages.t('console.csrf.text2')]);
    if (exception instanceof MemberSignInError) return problem(HttpStatus.FORBIDDEN, 'memberRefused', [messages.t('console.memberRefused.text1'), messages.t('console.memberRefused.text2')]);
    if (exception instanceof ForbiddenException) return problem(HttpStatus.FORBIDDEN, 'forbidden', [messages.t('console.forbidden.text')]);
    if (exception instanceof HttpException && exception.getStatus() === HttpStatus.TOO_MANY_REQUESTS) {
      const seconds = Number(response.getHeader('Retry-After') ?? 60);
      return problem(HttpStatus.TOO_MANY_REQUESTS, 'tooMany', [messages.t('console.tooMany.text', { seconds })]);
    }
    this.pages.catch(exception, host);
  }
}
