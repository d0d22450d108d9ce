/** Where a sign-in goes when `next` is missing or not ours. */
export const CONSOLE_HOME = '/console';

const BASE = 'http://qalam.invalid';

/**
 * `next` as a path of this site, or /console: an absolute URL, a scheme-relative `//host`,
 * a backslash (which browsers read as a slash) or a control character would send the
 * browser elsewhere after sign-in (an open redirect), and /login itself would loop.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return CONSOLE_HOME;
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return CONSOLE_HOME;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return CONSOLE_HOME;
  }
  if (url.origin !== BASE || url.pathname === '/login' || url.pathname === '/logout') return CONSOLE_HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}
