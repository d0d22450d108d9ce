import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, InvalidError } from './errors';
import { OUTAGE_RETRY_AFTER_SECONDS, OutageLog, outageOf } from './outage';

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 503: 'Service Unavailable', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

/**
 * Every error leaves in Nest's shape {statusCode, message, error}. Domain errors carry their
 * status; a database constraint a client can trip is a 409 or 400; anything else is logged
 * (without request data, which may hold personal data) and answered 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly outages = new OutageLog(this.logger);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (response.headersSent) return;
    if (status === 503) response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    // Nest wraps body-parser's errors (malformed JSON, too large) in an HttpException whose
    // message is the parser's own ("Expected double-quoted property name..."): say what is wrong with the body.
    const parserCause = exception instanceof HttpException ? bodyParserError(exception.cause) : bodyParserError(exception);
    if (parserCause) return describeBodyProblem(parserCause);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const body = typeof raw === 'string' ? { statusCode: status, message: raw, error: REASONS[status] ?? 'Error' } : { statusCode: status, error: REASONS[status] ?? 'Error', ...(raw as object) };
      return { status, body };
    }
    if (exception instanceof DomainError) {
      const message = exception instanceof InvalidError && exception.messages.length > 1 ? exception.messages : exception.message;
      return { status: exception.status, body: { statusCode: exception.status, message, error: REASONS[exception.status] ?? 'Error', code: exception.code } };
    }
    // Postgres or Redis unreachable (restarting, say): a state the client can wait out, not a bug.
    const outage = outageOf(exception);
    if (outage) {
      this.outages.lost(outage, exception);
      const message = outage === 'postgres' ? 'The database is unreachable for a moment: try again shortly' : 'The queue is unreachable for a moment: try again shortly';
      return { status: 503, body: { statusCode: 503, message, error: 'Service Unavailable' } };
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string })?.code;
      if (code === '23505') return { status: 409, body: { statusCode: 409, message: 'A record with these values already exists', error: 'Conflict' } };
      if (code === '23503') return { status: 404, body: { statusCode: 404, message: 'A referenced record does not exist', error: 'Not Found' } };
      if (code === '40P01' || code === '40001') {
        return { status: 503, body: { statusCode: 503, message: 'The server is busy with the same records: try again', error: 'Service Unavailable' } };
      }
      if (code === '22P02' || code === '22007' || code === '22008' || code === '23514') {
        return { status: 400, body: { statusCode: 400, message: 'A value is not valid', error: 'Bad Request' } };
      }
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message.slice(0, 200)}` : 'Unknown error', exception instanceof Error ? exception.stack : undefined);
    return { status: 500, body: { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' } };
  }
}

interface BodyParserError {
  status: number;
  type: string;
}

/** body-parser's errors carry a 4xx status and a type such as entity.parse.failed. */
function bodyParserError(error: unknown): BodyParserError | undefined {
  const candidate = error as Partial<BodyParserError> | undefined;
  if (typeof candidate?.status !== 'number' || candidate.status < 400 || candidate.status >= 500 || typeof candidate.type !== 'string') return undefined;
  return candidate as BodyParserError;
}

function describeBodyProblem(error: BodyParserError): { status: number; body: Record<string, unknown> } {
  const message =
    error.type === 'entity.parse.failed' ? 'Request body is not valid JSON'
    : error.type === 'entity.too.large' ? 'Request body is too large'
    : error.type === 'encoding.unsupported' || error.type === 'charset.unsupported' ? 'Request body has an unsupported encoding'
    : 'Request body could not be read';
  return { status: error.status, body: { statusCode: error.status, message, error: REASONS[error.status] ?? 'Error' } };
}
