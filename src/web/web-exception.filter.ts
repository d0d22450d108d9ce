import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, NotFoundError } from '../common/errors';
import { OUTAGE_RETRY_AFTER_SECONDS, outageOf } from '../common/outage';
import { LinkInvalidError } from '../members/member-errors';
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
    const page = this.describe(exception);
    pageHeaders(response, page.status);
    if (page.status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    response.send(this.views.render('problem', page, { title: page.heading, nav: [], unsubscribeUrl: null }));
  }

  private describe(exception: unknown): ProblemPage {
    if (exception instanceof LinkProblemError && exception.kind === 'expired') {
      return {
        status: HttpStatus.GONE,
        heading: 'This link has expired',
        paragraphs: [
          'For your safety, the links in our emails work for a limited time, and this one is too old. Nothing was signed or changed.',
          'A new link arrives with every month’s invitation. If you need one now, reply to the latest email from us and we will send it.',
        ],
      };
    }
    if (exception instanceof LinkInvalidError) {
      // The backend's own refusal of a link (its member left, its cycle closed...): its message says what to do.
      return { status: HttpStatus.NOT_FOUND, heading: 'This link does not work', paragraphs: [exception.message, 'Nothing was signed or changed.'] };
    }
    if (exception instanceof LinkProblemError || exception instanceof NotFoundError) {
      return {
        status: HttpStatus.NOT_FOUND,
        heading: 'This link does not work',
        paragraphs: [
          'The address may have been cut or changed on its way to you. Nothing was signed or changed.',
          'Open the link straight from the email again, or copy the whole address into your browser. If it still does not work, reply to the email and we will help.',
        ],
      };
    }
    if (exception instanceof CrossSiteError) {
      return {
        status: HttpStatus.FORBIDDEN,
        heading: 'This form came from another website',
        paragraphs: ['To protect your signature, we only accept this form from our own pages. Nothing was signed or changed.', 'Open the link from your email and sign there.'],
      };
    }
    if (exception instanceof DomainError && exception.status < 500) {
      return { status: exception.status, heading: 'This cannot be done now', paragraphs: [exception.message] };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      if (status === HttpStatus.NOT_FOUND) {
        return { status, heading: 'Page not found', paragraphs: ['There is no page at this address. Check the link in your email.'] };
      }
      return { status, heading: 'This request could not be handled', paragraphs: ['Please go back and try again.'] };
    }
    if (outageOf(exception)) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        heading: 'We will be back in a moment',
        paragraphs: ['Our servers are restarting. Nothing was signed or changed: please try again in a minute.'],
      };
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message.slice(0, 200)}` : 'Unknown error', exception instanceof Error ? exception.stack : undefined);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      heading: 'Something went wrong on our side',
      paragraphs: ['Nothing you did caused this. Please try again in a few minutes; if you were signing, check “My letters” first: what was signed stays signed.'],
    };
  }
}
