import { waitFor } from './helpers/wait';
import type { INestApplication } from '@nestjs/common';
import { LIVE_SESSION_TTL_MS, LiveStaffSessionsService } from '../src/auth/live-staff-sessions.service';
import { StaffSessionsRepository } from '../src/auth/staff-sessions.repository';
import { Browserish, csrfOf } from './helpers/console';
import { aSupporter } from './helpers/factories';
import { startSecondApp, startTestApp, TestApp } from './helpers/test-app';

/**
 * The rule that keeps the console's live sessions right while each API process keeps them in
 * memory (src/auth/live-staff-sessions.service.ts): a session ended by a logout, a password
 * change, a deactivation or a role change is refused at once by the process that ended it,
 * and by every other process as soon as the notice arrives; while the notices are not heard,
 * every request reads the row. Two API processes share one database, as two replicas would.
 */
describe('staff sessions kept in memory, and the rule that ends them', () => {
  let first: TestApp;
  let second: INestApplication;
  let secondUrl: string;

  beforeAll(async () => {
    first = await startTestApp('live_staff_sessions');
    let api;
    ({ nest: second, api } = await startSecondApp(first.config));
    secondUrl = api.baseUrl;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await second?.close();
    await first?.close();
  });

  /** A coordinator with a password, signed in on the first process: their id, email, password and session cookie. */
  async function aSignedInCoordinator(): Promise<{ id: string; email: string; password: string; cookie: string }> {
    const body = aSupporter({ role: 'coordinator' });
    const created = await first.api.post('/api/supporters', body, first.adminToken);
    expect(created.status).toBe(201);
    const browser = new Browserish(first.api.baseUrl);
    expect((await browser.signIn(body.email, body.password)).status).toBe(303);
    return { id: created.body.id, email: body.email, password: body.password, cookie: browser.jar.header() };
  }

  /** GET /console/account with this cookie on one process: 200, or the 303 to the sign-in page. */
  async function account(baseUrl: string, cookie: string): Promise<{ status: number; location: string | null }> {
    const response = await fetch(`${baseUrl}/console/account`, { headers: { cookie }, redirect: 'manual' });
    await response.text();
    return { status: response.status, location: response.headers.get('location') };
  }

  const refused = { status: 303, location: '/login?next=%2Fconsole%2Faccount' };

  /** Asks until the process refuses the cookie, for at most `withinMs`; returns how long it took. */
  async function untilRefused(baseUrl: string, cookie: string, withinMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const answer = await account(baseUrl, cookie);
      if (answer.status === refused.status && answer.location === refused.location) return Date.now() - started;
      if (Date.now() - started > withinMs) throw new Error(`GET /console/account still answers ${answer.status} after ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The session opens a page on both processes, twice: each then keeps it. */
  async function usedOnBoth(cookie: string): Promise<void> {
    for (const baseUrl of [first.api.baseUrl, secondUrl, first.api.baseUrl, secondUrl]) await expect(account(baseUrl, cookie)).resolves.toEqual({ status: 200, location: null });
  }

  it('keeps sessions while it hears the notices, and then a console page reads no session row', async () => {
    expect(first.nest.get(LiveStaffSessionsService).keeping).toBe(true);
    expect(second.get(LiveStaffSessionsService).keeping).toBe(true);
    const coordinator = await aSignedInCoordinator();
    const reads = jest.spyOn(second.get(StaffSessionsRepository), 'findLive');
    try {
      for (let index = 0; index < 5; index += 1) await expect(account(secondUrl, coordinator.cookie)).resolves.toEqual({ status: 200, location: null });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('refuses a logged-out session at once where it logged out, and in the other process on the notice', async () => {
    const coordinator = await aSignedInCoordinator();
    await usedOnBoth(coordinator.cookie);
    const browser = new Browserish(first.api.baseUrl);
    for (const pair of coordinator.cookie.split('; ')) browser.jar.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    const page = await browser.get('/console/account');
    expect((await browser.post('/logout', { _csrf: csrfOf(page.body) })).status).toBe(303);
    // The process that logged out: the very next request.
    await expect(account(first.api.baseUrl, coordinator.cookie)).resolves.toEqual(refused);
    // The other: on staff_sessions' notice, well before the backstop.
    await expect(untilRefused(secondUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2)).resolves.toBeLessThan(LIVE_SESSION_TTL_MS / 2);
  });

  it('refuses a deactivated coordinator\'s session at once where it was done, and in the other process on the notice', async () => {
    const coordinator = await aSignedInCoordinator();
    await usedOnBoth(coordinator.cookie);
    expect((await first.api.patch(`/api/supporters/${coordinator.id}`, { active: false }, first.adminToken)).status).toBe(200);
    await expect(account(first.api.baseUrl, coordinator.cookie)).resolves.toEqual(refused);
    await expect(untilRefused(secondUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2)).resolves.toBeLessThan(LIVE_SESSION_TTL_MS / 2);
  });

  it('refuses the session of a coordinator made a member at once where it was done (the second process here), and in the first on the notice', async () => {
    const coordinator = await aSignedInCoordinator();
    await usedOnBoth(coordinator.cookie);
    const changed = await fetch(`${secondUrl}/api/supporters/${coordinator.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${first.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'member' }) });
    expect(changed.status).toBe(200);
    await expect(account(secondUrl, coordinator.cookie)).resolves.toEqual(refused);
    await expect(untilRefused(first.api.baseUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2)).resolves.toBeLessThan(LIVE_SESSION_TTL_MS / 2);
  });

  it('ends the other sessions of a staff member who changes their password, in both processes, and keeps the one that changed it', async () => {
    const coordinator = await aSignedInCoordinator();
    const elsewhere = new Browserish(secondUrl);
    expect((await elsewhere.signIn(coordinator.email, coordinator.password)).status).toBe(303);
    await usedOnBoth(coordinator.cookie);
    await usedOnBoth(elsewhere.jar.header());
    const form = await elsewhere.get('/console/account');
    const password = 'a-new-password-for-this-one';
    const posted = await elsewhere.post('/console/account', { _csrf: csrfOf(form.body), currentPassword: coordinator.password, password, passwordRepeat: password });
    expect(posted.status).toBe(303);
    await expect(account(secondUrl, coordinator.cookie)).resolves.toEqual(refused);
    await expect(untilRefused(first.api.baseUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2)).resolves.toBeLessThan(LIVE_SESSION_TTL_MS / 2);
    await expect(account(secondUrl, elsewhere.jar.header())).resolves.toEqual({ status: 200, location: null });
    await expect(account(first.api.baseUrl, elsewhere.jar.header())).resolves.toEqual({ status: 200, location: null });
  });

  it('applies an idle timeout set by SQL (last_seen_at moved back) in both processes', async () => {
    const coordinator = await aSignedInCoordinator();
    await usedOnBoth(coordinator.cookie);
    await first.db.query(`UPDATE staff_sessions SET last_seen_at = now() - interval '13 hours' WHERE supporter_id = $1`, [coordinator.id]);
    await untilRefused(first.api.baseUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2);
    await untilRefused(secondUrl, coordinator.cookie, LIVE_SESSION_TTL_MS / 2);
  });

  it('keeps nothing while its listening connection is lost, and keeps again once it is back', async () => {
    const coordinator = await aSignedInCoordinator();
    const live = second.get(LiveStaffSessionsService);
    await usedOnBoth(coordinator.cookie);
    const ended = await first.db.query(`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'qalam-change-notices' AND datname = current_database()`);
    expect(ended.rows.length).toBe(2);
    await waitFor(async () => (!live.keeping || undefined), () => 'the lost connection noticed', 5_000);
    const reads = jest.spyOn(second.get(StaffSessionsRepository), 'findLive');
    try {
      for (let index = 0; index < 3; index += 1) await expect(account(secondUrl, coordinator.cookie)).resolves.toEqual({ status: 200, location: null });
      expect(reads).toHaveBeenCalledTimes(3);
      // Ended while nobody listens: the very next request refuses it all the same.
      await first.db.query(`DELETE FROM staff_sessions WHERE supporter_id = $1`, [coordinator.id]);
      await expect(account(secondUrl, coordinator.cookie)).resolves.toEqual(refused);
    } finally {
      reads.mockRestore();
    }
    await waitFor(async () => (live.keeping || undefined), () => 'listening again', 10_000);
  });
});
