import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { JsonLogger } from './json-logger';
import { requestContext } from './request-context';

/** An incoming X-Request-Id is kept when it is short and plain; anything else is replaced. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The route pattern (`/sign/:token`), never the URL: paths may hold signing, unsubscribe
 * and confirmation tokens, and query strings may hold anything.
 */
export function routePattern(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}` || '/';
  // Mounted sub-apps (Bull Board) have no route here: their mount point is safe to log.
  if (req.baseUrl) return `${req.baseUrl}/*`;
  return '(unmatched)';
}

/** Express middleware: gives each request an id, echoes it, and logs one line when the response is done. */
export function requestLogging(logger: JsonLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const store = { requestId };
    const done = (): void => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { method: req.method, route: routePattern(req), status: res.writableFinished ? res.statusCode : 499, durationMs: Math.round(durationMs * 10) / 10 };
      logger.request(`${line.method} ${line.route} ${line.status} ${line.durationMs}ms`, requestId, line);
    };
    // 'close' comes after 'finish' when the answer went out, and alone when the client left first (499).
    res.once('close', done);
    requestContext.run(store, () => next());
  };
}
