import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { StaffSessionsService } from '../auth/staff-sessions.service';
import { isCrossSite } from '../common/same-origin';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { LETTERS_QUEUE } from '../delivery/jobs';

export const QUEUE_BOARD_PATH = '/admin/queues';
/** The HttpOnly cookie POST /admin/session sets, so a browser can open the board without a Bearer header. */
export const BOARD_COOKIE = 'qalam_board';
export { DASHBOARD_COOKIE, DASHBOARD_PATH } from '../auth/session-cookie';

/** The access token from `Authorization: Bearer`, else from the board's cookie. */
export function boardToken(req: Request): string | undefined {
  const bearer = /^Bearer ([A-Za-z0-9._-]+)$/.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === BOARD_COOKIE && value.length) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Mounts Bull Board at /admin/queues, admins only: anonymous 401, any other role 403. */
export function mountQueueBoard(app: INestApplication): void {
  const auth = app.get(AuthService, { strict: false });
  const sessions = app.get(StaffSessionsService, { strict: false });
  const config = app.get<QalamConfig>(QALAM_CONFIG, { strict: false });
  const letters = app.get<Queue>(getQueueToken(LETTERS_QUEUE), { strict: false });
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(letters, { readOnlyMode: false })], serverAdapter });
  const adminsOnly = (req: Request, res: Response, next: NextFunction): void => {
    const token = boardToken(req);
    // Without a token, the console's session cookie; the board's own buttons post from its page, so a post by cookie must come from our origin.
    const bySession = !token;
    (token ? auth.callerFromHeader(`Bearer ${token}`) : sessions.callerOf(req))
      .then((caller) => {
        if (caller && bySession && req.method !== 'GET' && req.method !== 'HEAD' && (isCrossSite(req, config.publicUrl) || req.headers.origin === undefined)) {
          res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'A change to the queues must come from the board itself' });
          return;
        }
        if (!caller) res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Sign in as an admin first' });
        else if (caller.role !== 'admin') res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'Your role does not allow this' });
        else next();
      })
      .catch(next);
  };
  app.use(QUEUE_BOARD_PATH, adminsOnly, serverAdapter.getRouter());
}
