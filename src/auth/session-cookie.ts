import type { Request } from 'express';

/** The dashboard's HttpOnly cookie (path /admin), set by POST /admin/session for admins and coordinators. */
export const DASHBOARD_COOKIE = 'qalam_admin';
export const DASHBOARD_PATH = '/admin';

/** The access token from `Authorization: Bearer`, else from the named cookie. */
export function tokenFrom(req: Request, cookie: string): string | undefined {
  const bearer = /^Bearer ([A-Za-z0-9._-]+)$/.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookie && value.length) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** What the access guard reads: the Bearer header, or on the dashboard's pages (/admin, not its API-like paths) the dashboard cookie. */
export function authorizationOf(req: Request): string | undefined {
  if (req.headers.authorization !== undefined || !(req.path === DASHBOARD_PATH || req.path.startsWith(`${DASHBOARD_PATH}/`))) return req.headers.authorization;
  const token = tokenFrom(req, DASHBOARD_COOKIE);
  return token ? `Bearer ${token}` : undefined;
}
