import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { Access, ACCESS_KEY } from '../src/common/auth/roles.decorator';
import type { Role } from '../src/common/auth/roles';
import { STAFF_PAGE_KEY } from '../src/common/auth/staff-page.decorator';
import { routeLayersOf } from '../src/common/route-groups';
import { Browserish } from './helpers/console';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { ADMIN, ApiResponse, startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/**
 * Walks every route the HTTP server serves (its Express router, not a list kept by hand) as
 * anonymous, a member, another member, a coordinator and an admin, and checks each answer
 * against the matrix the route's own @Public/@Allow metadata sets. Staff console pages
 * (@StaffPage) answer as pages: anonymous 303 to /login?next=, a lower role 403, staff 200,
 * by the session cookie as well as by a Bearer header.
 */

type CallerName = 'anonymous' | 'otherMember' | 'member' | 'coordinator' | 'admin';
const CALLERS: CallerName[] = ['anonymous', 'otherMember', 'member', 'coordinator', 'admin'];
const RANK: Record<Role, number> = { member: 1, coordinator: 2, admin: 3 };
const CALLER_RANK: Record<CallerName, number> = { anonymous: 0, otherMember: 1, member: 1, coordinator: 2, admin: 3 };
const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';
/** Where the case's cards go: staff only, never in a member's or an anonymous answer. */
const MESSAGE_ADDRESS = 'Prisoner no. 4471, Colony No. 3, Dushanbe';

interface ServedRoute {
  method: string;
  path: string;
  /** undefined when the route is not a Nest controller's (served by Express itself or a library). */
  access: Access | 'none' | undefined;
  /** A staff console page (@StaffPage). */
  staffPage: boolean;
}

/** `${METHOD} ${path}` -> the access metadata of every Nest controller handler. */
function controllerRoutes(nest: INestApplication, pages = new Set<string>()): Map<string, Access | 'none'> {
  const scanner = new MetadataScanner();
  const routes = new Map<string, Access | 'none'>();
  for (const module of nest.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const access = (Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, controller) ?? 'none') as Access | 'none';
        const staffPage = (Reflect.getMetadata(STAFF_PAGE_KEY, handler) ?? Reflect.getMetadata(STAFF_PAGE_KEY, controller)) === true;
        for (const prefix of prefixes) {
          for (const suffix of ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '/')) {
            const path = '/' + [prefix, suffix].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
            routes.set(`${RequestMethod[method]} ${path}`, access);
            if (staffPage) pages.add(`${RequestMethod[method]} ${path}`);
          }
        }
      }
    }
  }
  return routes;
}

/** What Express actually serves, joined with the controllers' metadata. */
function servedRoutes(nest: INestApplication): ServedRoute[] {
  const pages = new Set<string>();
  const metadata = controllerRoutes(nest, pages);
  const routes: ServedRoute[] = [];
  // The router's own stack and the groups of routes by first segment in it (src/common/route-groups.ts).
  for (const layer of routeLayersOf(nest.getHttpAdapter().getInstance())) {
    for (const path of ([] as string[]).concat(layer.route.path as string | string[])) {
      for (const [method, on] of Object.entries(layer.route.methods ?? {})) {
        if (!on || method === '_all') continue;
        const key = `${method.toUpperCase()} ${path}`;
        routes.push({ method: method.toUpperCase(), path, access: metadata.get(key), staffPage: pages.has(key) });
      }
    }
  }
  return routes;
}

describe('access matrix: every served route, every kind of caller', () => {
  let app: TestApp;
  const tokens: Partial<Record<CallerName, string>> = {};
  /** The console's session cookies of the staff callers, from POST /login. */
  const sessions: Partial<Record<CallerName, string>> = {};
  const member = { id: '', email: '', name: 'Alice Leakcheck' };
  const records: Record<string, string> = {};

  beforeAll(async () => {
    // A print run of letters by post, so that its pages and files have a record to open.
    app = await startTestApp('access_matrix', { PRINT_DIR: mkdtempSync(join(tmpdir(), 'qalam-access-print-')), ORG_POSTAL_ADDRESS: '12 Rue des Lilas\\n75011 Paris' });
    const { api, adminToken } = app;
    tokens.admin = adminToken;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    tokens.coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);
    for (const [caller, email, password] of [['coordinator', coordinatorBody.email, coordinatorBody.password], ['admin', ADMIN.email, ADMIN.password]] as const) {
      const browser = new Browserish(api.baseUrl);
      expect((await browser.signIn(email, password)).status).toBe(303);
      sessions[caller] = browser.jar.header();
    }
    for (const [caller, name] of [['member', member.name], ['otherMember', 'Bruno Other']] as const) {
      const body = aSupporter({ name });
      const created = await api.post('/api/supporters', body, tokens.coordinator);
      expect(created.status).toBe(201);
      tokens[caller] = await api.login(body.email, body.password);
      if (caller === 'member') Object.assign(member, { id: created.body.id as string, email: body.email });
    }
    const record = await api.post('/api/cases', aCase({ acceptsMessages: true, messageAddress: MESSAGE_ADDRESS }), tokens.coordinator);
    const official = await api.post('/api/officials', anOfficial(), tokens.coordinator);
    const template = await api.post('/api/templates', anAppealTemplate(), tokens.coordinator);
    const appeal = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona', templateIds: [template.body.id], officialIds: [official.body.id] }, tokens.coordinator);
    const cycle = await api.post('/api/cycles', { month: '2026-01', title: 'January', appealIds: [appeal.body.id] }, tokens.coordinator);
    expect([record.status, official.status, template.status, appeal.status, cycle.status]).toEqual([201, 201, 201, 201, 201]);
    expect((await api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, tokens.coordinator)).status).toBe(200);
    // The member has a signature and letters: what another member must never see.
    const signature = await api.post(`/api/appeals/${appeal.body.id}/signatures`, { note: 'A note only Alice wrote' }, tokens.member);
    expect(signature.status).toBe(201);
    // And a message of solidarity, held: the moderation routes act on a real one.
    const message = await api.post(`/api/cases/${record.body.id}/messages`, { text: 'A message only Alice wrote' }, tokens.member);
    expect(message.status).toBe(201);
    const postal = await api.post('/api/officials', anOfficial({ email: undefined, postalAddress: 'Rudaki Avenue 25\nDushanbe 734025' }), tokens.coordinator);
    const byPost = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona by post', templateIds: [template.body.id], officialIds: [postal.body.id], channel: 'post' }, tokens.coordinator);
    expect((await api.post(`/api/appeals/${byPost.body.id}/launch`, undefined, tokens.coordinator)).status).toBe(200);
    expect((await api.post(`/api/appeals/${byPost.body.id}/signatures`, {}, tokens.member)).status).toBe(201);
    const run = await api.post('/api/print-runs', { appealId: byPost.body.id, kind: 'letters' }, tokens.coordinator);
    expect(run.status).toBe(202);
    await waitFor(async () => ((await api.get(`/api/print-runs/${run.body.id}`, tokens.coordinator)).body.status === 'ready' ? true : undefined), () => `print run ${run.body.id} ready`, 60_000);
    records['print-runs'] = run.body.id;
    // The console names supporters "members" (/console/members/:id).
    Object.assign(records, { cases: record.body.id, officials: official.body.id, templates: template.body.id, appeals: appeal.body.id, cycles: cycle.body.id, supporters: member.id, members: member.id, messages: message.body.id, signatures: signature.body.signature.id });
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A concrete path: an id after a collection names that collection's record; the member's record for supporters. */
  function concrete(path: string): string {
    const segments = path.replace(/\{[^}]*\}/g, '').split('/');
    return segments
      .map((segment, index) => {
        if (segment.startsWith('*')) return 'anything';
        if (!segment.startsWith(':')) return segment;
        if (segment === ':token') return 'not-a-real-token';
        if (segment === ':file') return 'no-such-file.css';
        if (segment === ':name' && segments[index - 1] === 'files') return 'letters.pdf';
        return records[segments[index - 1]] ?? UNKNOWN_ID;
      })
      .join('/');
  }

  function call(route: ServedRoute, caller: CallerName): Promise<ApiResponse> {
    const token = caller === 'anonymous' ? undefined : tokens[caller];
    const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : {};
    return app.api.request(route.method, concrete(route.path), { token, body });
  }

  /** A console page as a browser opens it: redirects not followed; by the session cookie, or by the Bearer header for a member. */
  async function openPage(route: ServedRoute, caller: CallerName, by: 'cookie' | 'bearer'): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = {};
    if (caller !== 'anonymous' && by === 'bearer') headers.authorization = `Bearer ${tokens[caller]}`;
    if (by === 'cookie' && sessions[caller]) headers.cookie = sessions[caller];
    const response = await fetch(app.api.baseUrl + concrete(route.path), { method: route.method, headers, redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  it('walks the console pages as anonymous (303 to /login), members (403) and staff (200), by cookie and by Bearer', async () => {
    const problems: string[] = [];
    const pages = servedRoutes(app.nest).filter((route) => route.staffPage);
    expect(pages.map((route) => `${route.method} ${route.path}`)).toEqual(expect.arrayContaining(['GET /console']));
    for (const route of pages) {
      const name = `${route.method} ${route.path}`;
      const role = route.access !== undefined && route.access !== 'none' && route.access.kind === 'role' ? route.access.role : undefined;
      if (!role) {
        problems.push(`${name} is a staff page without a role`);
        continue;
      }
      for (const caller of CALLERS) {
        for (const by of caller === 'coordinator' || caller === 'admin' ? (['cookie', 'bearer'] as const) : (['bearer'] as const)) {
          const answer = await openPage(route, caller, by);
          const said = `${name} as ${caller} by ${by}: ${answer.status}`;
          if (answer.status >= 500) problems.push(said);
          if ((caller === 'anonymous' || caller === 'otherMember') && [member.email, member.name].some((secret) => answer.text.includes(secret))) problems.push(`${said}, the page holds the member's data`);
          if (caller === 'anonymous') {
            if (answer.status !== 303 || answer.location !== `/login?next=${encodeURIComponent(concrete(route.path))}`) problems.push(`${said} to ${answer.location}, expected 303 to /login?next=`);
          } else if (CALLER_RANK[caller] < RANK[role]) {
            if (answer.status !== 403 || !answer.text.includes('<html')) problems.push(`${said}, expected the 403 page`);
          } else if (route.method === 'GET' && answer.status !== 200) {
            problems.push(`${said}, expected 200`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds the routes in the router, and each controller route says who may reach it', () => {
    const routes = servedRoutes(app.nest);
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    // A sample the contract names, to prove the walk sees the router at all.
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login',
        'GET /api/supporters/:id',
        'POST /api/appeals/:id/signatures',
        'POST /api/cases',
        'GET /join',
        'POST /sign/:token',
        'POST /api/cases/:id/messages',
        'GET /api/cases/:id/messages',
        'POST /api/messages/:id/approve',
        'POST /api/messages/:id/reject',
        'GET /console/cases/:id/messages',
        'POST /console/cases/:id/messages',
        'GET /api/cases/:id/replies',
        'POST /api/cases/:id/replies/:replyId/event',
        'GET /api/suppressions',
        'DELETE /api/suppressions/:address',
        'POST /api/officials/:id/unflag',
        'GET /console/cases/:id/replies',
        'POST /console/cases/:id/replies',
        'GET /console/deliverability',
        'POST /console/deliverability/lift',
        'POST /console/deliverability/unflag',
        'GET /api/appeals/:id/held',
        'POST /api/signatures/:id/approve',
        'POST /api/signatures/:id/reject',
        'GET /console/appeals/:id/held',
        'POST /console/appeals/:id/held',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(40);
    // Every controller route is served, and none relies on deny-by-default by forgetting its rule.
    const served = new Set(keys);
    const controllers = [...controllerRoutes(app.nest).entries()];
    expect(controllers.filter(([key]) => !served.has(key)).map(([key]) => key)).toEqual([]);
    expect(controllers.filter(([, access]) => access === 'none').map(([key]) => key)).toEqual([]);
  });

  it('answers every route as its metadata says: 401, 403, 404 for another member, never 500, never a leak', async () => {
    const problems: string[] = [];
    // Deleting a supporter's data ends the caller's account: those routes are walked in privacy-rights.e2e-spec.ts.
    // Console pages answer as pages: walked by the test above.
    const routes = servedRoutes(app.nest).filter((route) => !route.staffPage && !(route.method === 'DELETE' && (route.path === '/api/me' || route.path === '/api/supporters/:id')));
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const answers: Partial<Record<CallerName, number>> = {};
      for (const caller of CALLERS) {
        const response = await call(route, caller);
        answers[caller] = response.status;
        const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
        if (response.status >= 500) problems.push(`${name} as ${caller}: ${response.status}`);
        // Another member and the anonymous never see the member's address, name or note.
        if ((caller === 'anonymous' || caller === 'otherMember') && [member.email, member.name, 'A note only Alice wrote', 'A message only Alice wrote'].some((secret) => text.includes(secret))) {
          problems.push(`${name} as ${caller}: the body holds the member's data`);
        }
        // Where a case's cards go is for staff alone.
        if (CALLER_RANK[caller] < RANK.coordinator && text.includes(MESSAGE_ADDRESS)) problems.push(`${name} as ${caller}: the body holds the case's message address`);
        const access = route.access;
        if (access === undefined || access === 'none' || access.kind === 'public') {
          if (response.status === 401) problems.push(`${name} is public but answered ${caller} 401`);
          continue;
        }
        const allowed = CALLER_RANK[caller] >= RANK[access.role];
        const expected = caller === 'anonymous' ? 401 : !allowed ? 403 : undefined;
        if (expected !== undefined && response.status !== expected) problems.push(`${name} as ${caller}: ${response.status}, expected ${expected}`);
        if (expected !== undefined && (response.body as { statusCode?: number } | undefined)?.statusCode !== expected) problems.push(`${name} as ${caller}: body is not the ${expected} error`);
        // An admin alone exports another supporter's data; a coordinator is refused.
        const adminOnly = caller === 'coordinator' && route.path === '/api/supporters/:id/export';
        if (adminOnly && response.status !== 403) problems.push(`${name} as coordinator: ${response.status}, expected 403`);
        if (adminOnly) continue;
        if (expected === undefined && (response.status === 401 || response.status === 403)) problems.push(`${name} as ${caller}: ${response.status}, but the role may reach it`);
        // A member's own record is the member's: another member is told it does not exist.
        // (On a route a member's role reaches: a staff-only route refuses every member alike, 403.)
        const ownsRecord = concrete(route.path).includes(member.id);
        const membersReach = CALLER_RANK.otherMember >= RANK[access.role];
        if (ownsRecord && membersReach && caller === 'otherMember' && response.status !== 404) problems.push(`${name} as otherMember: ${response.status}, expected 404`);
        if (ownsRecord && route.method === 'GET' && caller !== 'anonymous' && caller !== 'otherMember' && response.status !== 200) problems.push(`${name} as ${caller}: ${response.status}, expected 200`);
      }
      // The token does not change what a public route answers.
      if (route.access === undefined || route.access === 'none' || route.access.kind === 'public') {
        if (new Set(Object.values(answers)).size !== 1) problems.push(`${name} is public but answers differ by caller: ${JSON.stringify(answers)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the member, and only staff, read the member record; another member reads its own', async () => {
    const own = await app.api.get(`/api/supporters/${member.id}`, tokens.member);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(expect.objectContaining({ id: member.id, email: member.email, name: member.name }));
    expect(own.body).not.toHaveProperty('passwordHash');
    const letters = await app.api.get('/api/me/letters', tokens.otherMember);
    expect(letters.status).toBe(200);
    expect(letters.body.items).toEqual([]);
  });
});
