import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import type { ErrorCode } from './error-codes';
import { reasonOf, statusOf } from './error-status';
import { DomainError } from './errors';
import { OUTAGE_RETRY_AFTER_SECONDS, OutageLog, outageOf } from './outage';

/** A body without a code: for errors that are not the domain's (the code only chose the status). */
function plain(code: ErrorCode, message: string): { status: number; body: Record<string, unknown> } {
  const status = statusOf(code);
  return { status, body: { statusCode: status, message, error: reasonOf(status) } };
}

/**
 * Every error leaves in Nest's shape {statusCode, message, error}, plus `code` for a domain
 * error. Statuses come from error-status.ts (the page filter reads the same map); Nest's own
 * HTTP exceptions (authentication, roles, validation) keep theirs; a database constraint a
 * client can trip is a 409, 404 or 400; anything else is logged (without request data,
 * which may hold personal data) and answered 500.
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
      const body = typeof raw === 'string' ? { statusCode: status, message: raw, error: reasonOf(status) } : { statusCode: status, error: reasonOf(status), ...(raw as object) };
      return { status, body };
    }
    if (exception instanceof DomainError) {
      const status = statusOf(exception.code);
      const message = exception.messages.length > 1 ? exception.messages : exception.message;
      return { status, body: { statusCode: status, message, error: reasonOf(status), code: exception.code } };
    }
    // Postgres or Redis unreachable (restarting, say): a state the client can wait out, not a bug.
    const outage = outageOf(exception);
    if (outage) {
      this.outages.lost(outage, exception);
      return outage === 'postgres'
        ? plain('database_unavailable', 'The database is unreachable for a moment: try again shortly')
        : plain('queue_unavailable', 'The queue is unreachable for a moment: try again shortly');
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string })?.code;
      if (code === '23505') return plain('record_exists', 'A record with these values already exists');
      if (code === '23503') return plain('record_missing', 'A referenced record does not exist');
      if (code === '40P01' || code === '40001') return plain('database_busy', 'The server is busy with the same records: try again');
      if (code === '22P02' || code === '22007' || code === '22008' || code === '23514') return plain('value_invalid', 'A value is not valid');
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message.slice(0, 200)}` : 'Unknown error', exception instanceof Error ? exception.stack : undefined);
    return plain('internal', 'Internal server error');
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
  return { status: error.status, body: { statusCode: error.status, message, error: reasonOf(error.status) } };
}
