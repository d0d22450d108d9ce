import type { Express, NextFunction, Request, Response } from 'express';
import { Router } from 'express';

/** What this file reads of the router's layers (router 2.x, Express 5's). */
interface Layer {
  route?: { path: unknown; methods?: Record<string, boolean> };
}
interface RouterLike {
  stack: Layer[];
  handle(request: Request, response: Response, next: NextFunction): void;
}

/** The group router behind each dispatcher layer, for routeLayersOf. */
const GROUPS = new WeakMap<Layer, RouterLike>();

/** A route path's first segment when it is literal text ('/console/members/:id' is 'console'), else null. */
export function literalFirstSegment(path: unknown): string | null {
  if (typeof path !== 'string') return null;
  const match = /^\/([A-Za-z0-9_.~-]+)(?:\/|$)/.exec(path);
  return match ? match[1].toLowerCase() : null;
}

/**
 * Express matches a request against every layer of its router in turn, and Nest registers
 * each route as a layer of its own: a page under /console or /sign was tried against every
 * /api route first (a regular expression each), about a hundred of them. This puts each run
 * of consecutive routes into one layer per first segment of their paths (a router of their
 * own), which a request enters only when its path's first segment is that one (as Express
 * matches: case-insensitive, the segment whole), so it is tried only against routes that can
 * match it.
 *
 * Order is kept where it can matter: within a segment the routes stay in their order; routes
 * of different literal first segments never match the same path; and a run ends at any layer
 * that is not such a route (a middleware, a route whose path begins with a parameter or a
 * pattern), so nothing moves across one. No route takes OPTIONS, which passes every group.
 * Returns how many routes went into groups.
 */
export function groupRoutesByFirstSegment(app: Express): number {
  const router = (app as unknown as { router: RouterLike }).router;
  const grouped: Layer[] = [];
  let run = new Map<string, RouterLike>();
  let moved = 0;
  for (const layer of router.stack) {
    const segment = layer.route ? literalFirstSegment(layer.route.path) : null;
    if (segment === null) {
      run = new Map();
      grouped.push(layer);
      continue;
    }
    let group = run.get(segment);
    if (!group) {
      group = Router() as unknown as RouterLike;
      run.set(segment, group);
      grouped.push(dispatcherLayer(segment, group));
    }
    group.stack.push(layer);
    moved += 1;
  }
  router.stack.splice(0, router.stack.length, ...grouped);
  return moved;
}

/** A middleware layer that hands a request whose path begins with /<segment> to `group`, and passes any other on. */
function dispatcherLayer(segment: string, group: RouterLike): Layer {
  const holder = Router() as unknown as RouterLike & { use(handler: (request: Request, response: Response, next: NextFunction) => void): void };
  const length = segment.length + 1;
  holder.use((request, response, next) => {
    // No route answers OPTIONS: it goes on past the groups (to the 404), as it did before,
    // rather than get a group router's automatic answer.
    if (request.method === 'OPTIONS') return next();
    const path = request.path;
    const end = path.length === length || path.charCodeAt(length) === 47; // '/'
    if (end && path.length >= length && path.slice(1, length).toLowerCase() === segment) group.handle(request, response, next);
    else next();
  });
  const layer = holder.stack[0];
  GROUPS.set(layer, group);
  return layer;
}

/** Every route layer the app serves, in the order a request meets them, the grouped ones included (for the tests' walk of what is served). */
export function routeLayersOf(app: Express): Required<Layer>[] {
  const routes: Required<Layer>[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      const group = GROUPS.get(layer);
      if (group) walk(group.stack);
      else if (layer.route) routes.push(layer as Required<Layer>);
    }
  };
  walk((app as unknown as { router: RouterLike }).router.stack);
  return routes;
}
