import type { Request } from 'express';

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
