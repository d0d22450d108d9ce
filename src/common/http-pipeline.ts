import compression from 'compression';
import cookieParser from 'cookie-parser';
import { json, text, urlencoded } from 'body-parser';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import onHeaders from 'on-headers';
import { hasBody } from 'type-is';

/**
 * The middleware every request passes before its route, each a layer that costs something
 * even when it has nothing to do: so each one first asks whether it has, and a request it
 * cannot concern goes straight on.
 */

/**
 * The bodies qalam reads, in one layer: JSON (the API), CSV (imports) and forms (pages). A
 * request without a body (every GET) skips them all.
 */
export function bodyParsing(): RequestHandler {
  const parsers: RequestHandler[] = [
    json({ limit: '256kb' }),
    text({ type: 'text/csv', limit: '20mb' }),
    // The signing page is one form holding every appeal's note (20 appeals x 2,000 characters,
    // percent-encoded: up to 6 bytes each), and the browser posts all of it whichever button is pressed.
    urlencoded({ extended: false, limit: '320kb' }),
  ];
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req)) return next();
    let index = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) return next(error);
      const parser = parsers[index++];
      if (!parser) return next();
      parser(req, res, step);
    };
    step();
  };
}

/**
 * Pages and JSON above 1 KiB gzip- or brotli-compressed, whichever the client prefers. A
 * client that accepts no encoding would get the body as it is anyway: it skips the layer.
 */
export function compressionIfAccepted(): RequestHandler {
  const compress = compression({ threshold: 1024 });
  return (req, res, next) => (req.headers['accept-encoding'] ? compress(req, res, next) : next());
}

/**
 * req.cookies for the pages: the console's session and CSRF cookies (csrf-csrf reads them
 * there), the dashboard's. The API reads no cookie (its callers send Bearer), so /api skips it.
 */
export function pageCookies(): RequestHandler {
  const parse = cookieParser();
  return (req, res, next) => (req.url === '/api' || req.url.startsWith('/api/') || req.url.startsWith('/api?') ? next() : parse(req, res, next));
}

/**
 * Calls `changed` as a staff request that may have changed something (a POST, PATCH, PUT or
 * DELETE to /api or /console) answers: after its handler, so after its transaction
 * committed, and before its answer leaves, so the caller's next request sees the change. The
 * members' own posts (/sign, /join, ...) and logins (/api/auth/...) are not such requests.
 */
export function afterStaffChanges(changed: () => void): RequestHandler {
  return (req, res, next) => {
    const staffPath = (req.url.startsWith('/api/') && !req.url.startsWith('/api/auth/')) || req.url.startsWith('/console/');
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && staffPath) {
      onHeaders(res, changed);
    }
    next();
  };
}
