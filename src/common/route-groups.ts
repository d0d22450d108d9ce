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

/** The groups behind each dispatcher layer (a run's, in their order), for routeLayersOf. */
const GROUPS = new WeakMap<Layer, ReadonlyMap<string, { router: RouterLike }>>();

/** A route path's segment at `depth` (0: the first) when it and every one before it are literal text, lower-cased; else null. */
export function literalSegment(path: unknown, depth: number): string | null {
  if (typeof path !== 'string' || !path.startsWith('/')) return null;
  const segments = path.slice(1).split('/');
  if (segments.length <= depth) return null;
  for (let index = 0; index <= depth; index += 1) if (!/^[A-Za-z0-9_.~-]+$/.test(segments[index])) return null;
  return segments[depth].toLowerCase();
}

/** A group of more routes than this is grouped again by the next segment. */
const REGROUP_ABOVE = 3;

/**
 * Express matches a request against every layer of its router in turn, and Nest registers
 * each route as a layer of its own: a page under /console or /sign was tried against every
 * /api route first (a regular expression each), about a hundred of them, and then against
 * the console's routes before its own. This puts each run of consecutive routes into one
 * layer per first segment of their paths (a router of their own), and the routes of a large
 * group again by their second segment, and so on: a request enters a group only when its
 * path begins with the group's segments (as Express matches: case-insensitive, each segment
 * whole), so it is tried only against routes that can match it.
 *
 * Order is kept where it can matter: within a group the routes stay in their order; routes
 * of different literal segments at one depth never match the same path; and a run ends at
 * any layer that is not such a route (a middleware, a route whose path has a parameter or a
 * pattern at that depth, or ends there), so nothing moves across one. No route takes
 * OPTIONS, which passes every group. Returns how many routes went into groups.
 */
export function groupRoutesByFirstSegment(app: Express): number {
  const router = (app as unknown as { router: RouterLike }).router;
  const counted = { moved: 0 };
  router.stack.splice(0, router.stack.length, ...grouped(router.stack, 0, '', counted));
  return counted.moved;
}

interface Group {
  prefix: string;
  layers: Layer[];
  router: RouterLike;
}

function grouped(stack: readonly Layer[], depth: number, prefix: string, counted: { moved: number }): Layer[] {
  const out: Layer[] = [];
  const groups: Group[] = [];
  // The groups of the current run, by their segment: one dispatcher layer serves them all.
  let run: Map<string, Group> | null = null;
  for (const layer of stack) {
    const segment = layer.route ? literalSegment(layer.route.path, depth) : null;
    if (segment === null) {
      run = null;
      out.push(layer);
      continue;
    }
    if (!run) {
      run = new Map();
      out.push(dispatcherLayer(prefix.length, run));
    }
    let group = run.get(segment);
    if (!group) {
      group = { prefix: `${prefix}/${segment}`, layers: [], router: Router() as unknown as RouterLike };
      run.set(segment, group);
      groups.push(group);
    }
    group.layers.push(layer);
    if (depth === 0) counted.moved += 1;
  }
  for (const group of groups) group.router.stack.push(...(group.layers.length > REGROUP_ABOVE ? grouped(group.layers, depth + 1, group.prefix, counted) : group.layers));
  return out;
}

/**
 * A middleware layer for a run of groups under one prefix (of `at` characters, already
 * matched by the group around it): it hands a request to the group of its path's next
 * segment, found by one look-up however many groups the run holds ('/console/members/7' at
 * '/console': the group 'members'), and passes any other on.
 */
function dispatcherLayer(at: number, run: ReadonlyMap<string, Group>): Layer {
  const holder = Router() as unknown as RouterLike & { use(handler: (request: Request, response: Response, next: NextFunction) => void): void };
  holder.use((request, response, next) => {
    // No route answers OPTIONS: it goes on past the groups (to the 404), as it did before,
    // rather than get a group router's automatic answer.
    if (request.method === 'OPTIONS') return next();
    const path = request.path;
    if (path.charCodeAt(at) !== 47) return next(); // '/'
    const end = path.indexOf('/', at + 1);
    const group = run.get(path.slice(at + 1, end === -1 ? path.length : end).toLowerCase());
    if (group) group.router.handle(request, response, next);
    else next();
  });
  const layer = holder.stack[0];
  GROUPS.set(layer, run);
  return layer;
}

/** Every route layer the app serves, in the order a request meets them, the grouped ones included (for the tests' walk of what is served). */
export function routeLayersOf(app: Express): Required<Layer>[] {
  const routes: Required<Layer>[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      const groups = GROUPS.get(layer);
      if (groups) for (const group of groups.values()) walk(group.router.stack);
      else if (layer.route) routes.push(layer as Required<Layer>);
    }
  };
  walk((app as unknown as { router: RouterLike }).router.stack);
  return routes;
}
