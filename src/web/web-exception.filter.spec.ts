import type { ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from '../common/http-exception.filter';
import { DOMAIN_ERROR_CODES } from '../common/error-codes';
import { statusOf } from '../common/error-status';
import { DomainError } from '../common/errors';
import { LinkInvalidError } from '../supporters/member-errors';
import { CrossSiteError, LinkProblemError, WebExceptionFilter } from './web-exception.filter';
import type { ViewsService } from './views.service';

/** A response that records what a filter answered. */
function answer(filter: { catch(exception: unknown, host: ArgumentsHost): void }, exception: unknown, language = 'en') {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return response;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    json(body: unknown) {
      sent.body = body;
    },
    send(body: unknown) {
      sent.body = body;
    },
  };
  const request = { headers: { 'accept-language': language }, query: {} };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }) } as unknown as ArgumentsHost;
  filter.catch(exception, host);
  return sent;
}

// The page filter's view: the page's model, as JSON, in place of the HTML.
const views = { render: (_view: string, page: object) => JSON.stringify(page) } as unknown as ViewsService;

describe('the API and page filters share one map', () => {
  it('answers every domain code with its mapped status, in the same shape, on both', () => {
    const api = new AllExceptionsFilter();
    const pages = new WebExceptionFilter(views);
    for (const code of DOMAIN_ERROR_CODES) {
      const status = statusOf(code);
      expect({ code, ...answer(api, new DomainError(code, 'refused')) }).toEqual({ code, status, headers: {}, body: { statusCode: status, message: 'refused', error: expect.any(String), code } });
      expect({ code, status: answer(pages, new DomainError(code, 'refused')).status }).toEqual({ code, status });
    }
  });

  it('gives the member pages their own words for links, cross-site posts and refusals', () => {
    const pages = new WebExceptionFilter(views);
    const heading = (exception: unknown, language = 'en') => {
      const { status, body } = answer(pages, exception, language);
      return { status, heading: (JSON.parse(body as string) as { heading: string }).heading };
    };
    const expired = heading(new LinkProblemError('expired'));
    const unknown = heading(new LinkProblemError('invalid'));
    const left = heading(new LinkInvalidError('sign'));
    const crossSite = heading(new CrossSiteError());
    expect([expired.status, unknown.status, left.status, crossSite.status]).toEqual([410, 404, 404, 403]);
    expect(new Set([expired.heading, unknown.heading, crossSite.heading]).size).toBe(3);
    const refused = answer(pages, new DomainError('appeal_not_open', 'This appeal is closed: it takes no signatures'));
    expect({ status: refused.status, paragraphs: (JSON.parse(refused.body as string) as { paragraphs: string[] }).paragraphs }).toEqual({ status: 409, paragraphs: ['This appeal is closed: it takes no signatures'] });
    const russian = answer(pages, new DomainError('appeal_not_open', 'This appeal is closed: it takes no signatures'), 'ru');
    expect({ status: russian.status, english: (russian.body as string).includes('This appeal') }).toEqual({ status: 409, english: false });
  });

  it('answers an outage 503 with Retry-After on both', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const api = answer(new AllExceptionsFilter(), outage);
    const page = answer(new WebExceptionFilter(views), outage);
    expect([api.status, api.headers['Retry-After'], page.status, page.headers['Retry-After']]).toEqual([503, '5', 503, '5']);
    expect(api.body).toEqual({ statusCode: 503, message: 'The database is unreachable for a moment: try again shortly', error: 'Service Unavailable' });
  });
});
