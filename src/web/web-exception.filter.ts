import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Catalogue, catalogueOf } from '../common/i18n/messages';
import { DomainError, NotFoundError } from '../common/errors';
import { OUTAGE_RETRY_AFTER_SECONDS, outageOf } from '../common/outage';
import { LinkInvalidError } from '../supporters/member-errors';
import { visitorLanguage } from './page-language';
import { pageHeaders } from './page-response';
import { ViewsService } from './views.service';

/** A member's link that opens nothing: expired (410) or never valid (404). */
export class LinkProblemError extends Error {
  constructor(readonly kind: 'expired' | 'invalid') {
    super(kind === 'expired' ? 'link expired' : 'link not valid');
  }
}

/** A form post from another site. */
export class CrossSiteError extends Error {
  constructor() {
    super('cross-site form post');
  }
}

interface ProblemPage {
  status: number;
  heading: string;
  paragraphs: string[];
}

/**
 * The pages' errors answer as pages, never JSON: a member who follows an old link must read
 * what happened and what to do. Unknown errors are logged without request data and told as
 * "something went wrong".
 */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebPages');

  constructor(@Inject(ViewsService) private readonly views: ViewsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    // The visitor's language: an error page knows no member (the link may name none).
    const language = visitorLanguage(host.switchToHttp().getRequest<Request>());
    const page = this.describe(exception, catalogueOf(language));
    pageHeaders(response, page.status);
    if (page.status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    response.send(this.views.render('problem', page, { title: page.heading, nav: [], unsubscribeUrl: null, language }));
  }

  private describe(exception: unknown, messages: Catalogue): ProblemPage {
    const page = (status: number, key: string, paragraphs: string[]): ProblemPage => ({ status, heading: messages.t(`problem.${key}.heading`), paragraphs });
    if (exception instanceof LinkProblemError && exception.kind === 'expired') {
      return page(HttpStatus.GONE, 'expired', [messages.t('problem.expired.text1'), messages.t('problem.expired.text2')]);
    }
    if (exception instanceof LinkInvalidError) {
      // The backend's own refusal of a link (its member left, its cycle closed...): its message says what to do.
      return page(HttpStatus.NOT_FOUND, 'invalid', [messages.t(`problem.linkInvalid.${exception.purpose}`), messages.t('problem.nothingChanged')]);
    }
    if (exception instanceof LinkProblemError || exception instanceof NotFoundError) {
      return page(HttpStatus.NOT_FOUND, 'invalid', [messages.t('problem.invalid.text1'), messages.t('problem.invalid.text2')]);
    }
    if (exception instanceof CrossSiteError) {
      return page(HttpStatus.FORBIDDEN, 'crossSite', [messages.t('problem.crossSite.text1'), messages.t('problem.crossSite.text2')]);
    }
    if (exception instanceof DomainError && exception.status < 500) {
      // The domain speaks English: in another language the page says what it can in the member's own words.
      return page(exception.status, 'cannotNow', [messages.language === 'en' ? exception.message : messages.t('problem.cannotNow.text')]);
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      if (status === HttpStatus.NOT_FOUND) return page(status, 'notFound', [messages.t('problem.notFound.text')]);
      return page(status, 'badRequest', [messages.t('problem.badRequest.text')]);
    }
    // Postgres or Redis restarting: the member can come back in a minute.
    if (outageOf(exception)) return page(HttpStatus.SERVICE_UNAVAILABLE, 'unavailable', [messages.t('problem.unavailable.text')]);
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message.slice(0, 200)}` : 'Unknown error', exception instanceof Error ? exception.stack : undefined);
    return page(HttpStatus.INTERNAL_SERVER_ERROR, 'server', [messages.t('problem.server.text')]);
  }
}
