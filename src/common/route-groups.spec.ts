import express, { NextFunction, Request, Response } from 'express';
import type { AddressInfo } from 'node:net';
import { groupRoutesByFirstSegment, literalSegment, routeLayersOf } from './route-groups';

describe('literalSegment', () => {
  it('reads a literal segment at a depth, lower-cased, when every one before it is literal too', () => {
    expect(literalSegment('/console/members/:id', 0)).toBe('console');
    expect(literalSegment('/console/Members/:id', 1)).toBe('members');
    expect(literalSegment('/console/members/:id', 2)).toBeNull();
    expect(literalSegment('/console', 1)).toBeNull();
    expect(literalSegment('/API', 0)).toBe('api');
    expect(literalSegment('/:token', 0)).toBeNull();
    expect(literalSegment('/:lang/members', 1)).toBeNull();
    expect(literalSegment('/', 0)).toBeNull();
    expect(literalSegment('/{*rest}', 0)).toBeNull();
    expect(literalSegment(/^\/x/, 0)).toBeNull();
  });
});

/**
 * An Express app whose routes are grouped answers every request as the same app ungrouped:
 * the first route that matches, in the order registered, with its params; middleware and
 * parameter-first routes keep their places; anything unmatched falls through to the end.
 */
describe('groupRoutesByFirstSegment', () => {
  function anApp(): express.Express {
    const app = express();
    app.set('etag', false);
    const say = (text: string) => (request: Request, response: Response) => response.send(`${text} ${JSON.stringify(request.params)} ${request.route?.path ?? ''}`);
    app.use((request: Request, response: Response, next: NextFunction) => {
      response.setHeader('x-seen', 'yes');
      next();
    });
    app.get('/api/me', say('me'));
    app.get('/console/members', say('members'));
    app.get('/api/:thing', say('api thing'));
    app.post('/api/me', say('post me'));
    app.get('/console/members/invite', say('invite'));
    app.get('/console/members/:id', say('member'));
    app.get('/console', say('console home'));
    app.get('/console/appeals/:id', say('appeal'));
    app.get('/sign/:token', say('sign'));
    app.get('/:anything/members', say('any members'));
    app.get('/console/other', say('other'));
    app.get('/apix', say('apix'));
    app.get('/boom', (_request: Request, _response: Response, next: NextFunction) => next(new Error('boom')));
    app.use((request: Request, response: Response) => response.status(404).send(`none ${request.method} ${request.path}`));
    app.use((error: Error, _request: Request, response: Response, _next: NextFunction) => response.status(500).send(`error ${error.message}`));
    return app;
  }

  async function answers(app: express.Express, requests: [string, string][]): Promise<string[]> {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const out: string[] = [];
      for (const [method, path] of requests) {
        const response = await fetch(base + path, { method });
        out.push(`${response.status} ${response.headers.get('x-seen')} ${method === 'HEAD' ? '' : await response.text()}`);
      }
      return out;
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const REQUESTS: [string, string][] = [
    ['GET', '/api/me'],
    ['POST', '/api/me'],
    ['GET', '/API/Me/'],
    ['GET', '/api/other'],
    ['GET', '/console/members'],
    ['GET', '/console/members/7'],
    ['GET', '/console/members/invite'],
    ['GET', '/CONSOLE/Members/'],
    ['GET', '/console'],
    ['GET', '/console/'],
    ['GET', '/console/appeals/9'],
    ['GET', '/console/appealsx/9'],
    ['GET', '/consolex'],
    ['GET', '/console/other'],
    ['GET', '/console/nothing'],
    ['GET', '/sign/abc?x=1'],
    ['GET', '/team/members'],
    ['GET', '/apix'],
    ['GET', '/apix/y'],
    ['GET', '/boom'],
    ['HEAD', '/api/me'],
    ['OPTIONS', '/api/me'],
    ['DELETE', '/console/members'],
    ['GET', '/'],
    ['GET', '/console//members'],
    ['GET', '/console/members//7'],
    ['GET', '/console/MEMBERS/Invite'],
    ['GET', '/console/%6Dembers'],
    ['GET', '/api'],
    ['GET', '/api/'],
    ['GET', '//api/me'],
  ];

  it('answers every request as before grouping', async () => {
    const before = await answers(anApp(), REQUESTS);
    const grouped = anApp();
    // me, members, api thing, post me, invite, member, console home, appeal, sign | (any members: not grouped) | other, apix, boom
    const served = (app: express.Express) => routeLayersOf(app).map((layer) => `${Object.keys(layer.route.methods ?? {}).join()} ${String(layer.route.path)}`);
    const routes = served(grouped);
    expect(groupRoutesByFirstSegment(grouped)).toBe(12);
    // Every route is still served; those of one first segment in the order registered.
    const after = served(grouped);
    expect([...after].sort()).toEqual([...routes].sort());
    expect(routes).toHaveLength(13);
    const ofSegment = (list: string[], segment: string) => list.filter((route) => route.split(' ')[1].startsWith(`/${segment}/`));
    for (const segment of ['api', 'console', 'console/members']) expect(ofSegment(after, segment)).toEqual(ofSegment(routes, segment));
    expect(await answers(grouped, REQUESTS)).toEqual(before);
    expect(before[0]).toBe('200 yes me {} /api/me');
    expect(before[16]).toBe('200 yes any members {"anything":"team"} /:anything/members');
    expect(before[6]).toBe('200 yes invite {} /console/members/invite');
  });

  it('moves no route across a parameter-first route', () => {
    const grouped = anApp();
    groupRoutesByFirstSegment(grouped);
    const paths = routeLayersOf(grouped).map((layer) => String(layer.route.path));
    const wildcard = paths.indexOf('/:anything/members');
    // Registered before it, met before it; registered after it (in a group of their own), met after it.
    for (const path of ['/console/members', '/console/members/:id', '/sign/:token']) expect(paths.indexOf(path)).toBeLessThan(wildcard);
    for (const path of ['/console/other', '/apix', '/boom']) expect(paths.indexOf(path)).toBeGreaterThan(wildcard);
  });
});
