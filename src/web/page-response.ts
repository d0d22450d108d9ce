import type { Request, Response } from 'express';

/*
 * What every page answers with. Member pages carry their credential in the address, so:
 * nothing is cached or indexed, and no Referer leaves for another site (`same-origin` keeps
 * Origin and Referer on our own form posts, which the cross-site check reads). No script
 * runs on member pages, and the CSP says so; the admin dashboard alone runs its chart, from
 * our own origin only.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** The dashboard's pages run same-origin scripts (chart.js and the script that draws with it), nothing inline. */
const SCRIPT_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Sets the status and headers of a page; `startedAt` (performance.now()) adds Server-Timing; `scripts` allows same-origin scripts. */
export function pageHeaders(response: Response, status: number, startedAt?: number, scripts = false): void {
  response.status(status);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
  if (scripts) response.setHeader('Content-Security-Policy', SCRIPT_CSP);
  if (startedAt !== undefined) response.setHeader('Server-Timing', `page;dur=${(performance.now() - startedAt).toFixed(1)}`);
}

/**
 * True when a form post comes from another site. Browsers send Origin on a POST (Referer
 * when they do not); either must name our own host: PUBLIC_URL's, or the host the request
 * was sent to. `Origin: null` (a sandboxed frame, a privacy redirect) is refused too. A
 * client that sends neither (curl, a test) is no browser a third-party page could drive.
 */
export function isCrossSite(request: Request, publicUrl: string): boolean {
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  const claimed = typeof origin === 'string' ? origin : typeof referer === 'string' ? referer : undefined;
  if (claimed === undefined) return false;
  let host: string;
  try {
    host = new URL(claimed).host.toLowerCase();
  } catch {
    return true;
  }
  const allowed = new Set<string>();
  try {
    allowed.add(new URL(publicUrl).host.toLowerCase());
  } catch {
    // PUBLIC_URL is validated at boot; nothing to add if it were not.
  }
  if (typeof request.headers.host === 'string') allowed.add(request.headers.host.toLowerCase());
  return !allowed.has(host);
}
