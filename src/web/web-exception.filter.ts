import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Catalogue, catalogueOf } from '../common/i18n/messages';
import { statusOf } from '../common/error-status';
import { DomainError } from '../common/errors';
import { OUTAGE_RETRY_AFTER_SECONDS, outageOf } from '../common/outage';
import { LinkInvalidError } from '../supporters/member-errors';
import { visitorLanguage } from './page-language';
import { pageHeaders } from './page-response';
import { ViewsService } from './views.service';

/** A member's link that opens nothing: expired (`link_expired`) or never valid (`link_unknown`). */
export class LinkProblemError extends DomainError {
  constructor(readonly kind: 'expired' | 'invalid') {
    super(kind === 'expired' ? 'link_expired' : 'link_unknown', kind === 'expired' ? 'link expired' : 'link not valid');
  }
}

/** A form post from another site (`cross_site`). */
export class CrossSiteError extends DomainError {
  constructor() {
    super('cross_site', 'cross-site form post');
  }
}

interface ProblemPage {
  status: number;
  heading: string;
  paragraphs: string[];
}

/**
 * The pages' errors answer as pages, never JSON: a member who follows an old link must read
 * what happened and what to do. A domain error's status comes from error-status.ts, the map
 * the API filter reads too; its code chooses the page's words. Unknown errors are logged
 * without request data and told as "something went wrong".
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
    if (exception instanceof DomainError) {
      const status = statusOf(exception.code);
      if (exception instanceof LinkInvalidError) {
        // The backend's own refusal of a link (its member left, its cycle closed...): its message says what to do.
        return page(status, 'invalid', [messages.t(`problem.linkInvalid.${exception.purpose}`), messages.t('problem.nothingChanged')]);
      }
      switch (exception.code) {
        case 'link_expired':
          return page(status, 'expired', [messages.t('problem.expired.text1'), messages.t('problem.expired.text2')]);
        case 'link_unknown':
        case 'not_found':
          return page(status, 'invalid', [messages.t('problem.invalid.text1'), messages.t('problem.invalid.text2')]);
        case 'cross_site':
          return page(status, 'crossSite', [messages.t('problem.crossSite.text1'), messages.t('problem.crossSite.text2')]);
        default:
          // The domain speaks English: in another language the page says what it can in the member's own words.
          if (status < 500) return page(status, 'cannotNow', [messages.language === 'en' ? exception.message : messages.t('problem.cannotNow.text')]);
      }
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      if (status === HttpStatus.NOT_FOUND) return page(status, 'notFound', [messages.t('problem.notFound.text')]);
      return page(status, 'badRequest', [messages.t('problem.badRequest.text')]);
    }
    // Postgres or Redis restarting: the member can come back in a minute.
    const outage = outageOf(exception);
    if (outage) return page(statusOf(outage === 'postgres' ? 'database_unavailable' : 'queue_unavailable'), 'unavailable', [messages.t('problem.unavailable.text')]);
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message.slice(0, 200)}` : 'Unknown error', exception instanceof Error ? exception.stack : undefined);
    return page(statusOf('internal'), 'server', [messages.t('problem.server.text')]);
  }
}
