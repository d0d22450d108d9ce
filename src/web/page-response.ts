import type { Response } from 'express';

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
const PAGE_HEADER_ENTRIES = Object.entries(PAGE_HEADERS);

/**
 * Pages that run same-origin scripts, nothing inline: the dashboard (chart.js and the script
 * that draws with it) and the console pages htmx enhances, which fetch fragments from our
 * own origin (connect-src).
 */
const SCRIPT_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Sets the status and headers of a page; `startedAt` (performance.now()) adds Server-Timing; `scripts` allows same-origin scripts. */
export function pageHeaders(response: Response, status: number, startedAt?: number, scripts = false): void {
  response.status(status);
  for (const [name, value] of PAGE_HEADER_ENTRIES) response.setHeader(name, value);
  if (scripts) response.setHeader('Content-Security-Policy', SCRIPT_CSP);
  if (startedAt !== undefined) response.setHeader('Server-Timing', `page;dur=${(performance.now() - startedAt).toFixed(1)}`);
}

/** Where the console's CSRF guard reads it too (src/auth sits below the pages). */
export { isCrossSite } from '../common/same-origin';
