/**
 * Whether a signer's note contains a link (an appeal with `moderation: links` holds those):
 * `http://` or `https://`, `www.`, or a bare domain such as `example.com/x`, `t.me/channel`
 * or `example.org`. A bare domain counts when a path, port or query follows it (an ASCII
 * top-level domain, so `ул.Ленина/5` is an address, not a link), or when it ends in a
 * common top-level domain; so "Mr. Smith", "5.1", "e.g.", "т.е." and a missing space after a
 * full stop ("free him.Now") are not links. A pure function: the rule of one place.
 */
export function noteHasLink(note: string): boolean {
  if (SCHEME.test(note) || WWW.test(note)) return true;
  for (const match of note.matchAll(BARE_DOMAIN)) {
    const tld = match[2].toLowerCase();
    const next = note.charAt((match.index ?? 0) + match[0].length);
    if (COMMON_TLDS.has(tld)) return true;
    if (PATH_START.includes(next) && /^[a-z]+$/.test(tld)) return true;
  }
  return false;
}

const SCHEME = /\bhttps?:\/\//i;
const WWW = /(?:^|[^\p{L}\p{N}_])www\.[\p{L}\p{N}]/iu;
/** Labels joined by dots, ending in a label of two letters or more; group 2 is that last label. */
const BARE_DOMAIN = /(?<![\p{L}\p{N}_.-])((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(\p{L}{2,}))(?![\p{L}\p{N}_-])/gu;
const PATH_START = ['/', ':', '?', '#'];
/** Top-level domains a bare name is read as a link by, with nothing after it. */
const COMMON_TLDS = new Set([
  'com', 'org', 'net', 'info', 'biz', 'io', 'me', 'co', 'ly', 'to', 'cc', 'tv', 'app', 'dev', 'xyz', 'site', 'online', 'link', 'gl', 'gg', 'ws', 'su',
  'ru', 'рф', 'by', 'ua', 'kz', 'kg', 'uz', 'tj', 'tm', 'az', 'am', 'ge', 'md', 'uk', 'de', 'fr', 'eu', 'us', 'ca', 'nl', 'pl', 'se', 'ch', 'it', 'es',
]);
