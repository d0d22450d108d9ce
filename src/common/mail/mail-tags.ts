import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tags of outgoing mail. With INBOUND_DOMAIN set, a letter leaves with the envelope
 * sender `bounce+<tag>@INBOUND_DOMAIN` and the Reply-To `reply+<tag>@INBOUND_DOMAIN`, and
 * member mail with the same kind of envelope sender, so that a bounce, a complaint or a reply
 * names what it is about. A tag is the kind (`l` a letter, `m` a member), the id's 32 hex
 * digits and 16 hex digits of an HMAC-SHA256 under APP_SECRET: nobody without the secret can
 * make a tag that names a letter, so a forged bounce changes nothing. Lower-case hex only, so
 * a relay that lower-cases local parts keeps it valid; `bounce+` and a tag make 56
 * characters, inside the 64 a local part may hold.
 */
export type MailTagKind = 'letter' | 'member';

export interface MailTag {
  kind: MailTagKind;
  /** The letter's or the supporter's id (a UUID). */
  id: string;
}

/** The two addresses of the inbound domain that carry a tag. */
export type TaggedAddressPurpose = 'bounce' | 'reply';

const KIND_CHAR: Record<MailTagKind, string> = { letter: 'l', member: 'm' };
const CHAR_KIND: Record<string, MailTagKind> = { l: 'letter', m: 'member' };
const MAC_HEX = 16;
const TAG = /^([lm])([0-9a-f]{32})([0-9a-f]{16})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`qalam-mail-tag:${body}`).digest('hex').slice(0, MAC_HEX);
}

/** The tag of a letter or of a member's mail. */
export function mailTag(secret: string, tag: MailTag): string {
  if (!UUID.test(tag.id)) throw new Error('a mail tag names a UUID');
  const body = `${KIND_CHAR[tag.kind]}${tag.id.replace(/-/g, '').toLowerCase()}`;
  return `${body}${mac(secret, body)}`;
}

/** What a tag names, or null when it is malformed or its signature does not hold. */
export function readMailTag(secret: string, tag: string): MailTag | null {
  const match = TAG.exec(tag.toLowerCase());
  if (!match) return null;
  const [, kindChar, hex, given] = match;
  const expected = mac(secret, `${kindChar}${hex}`);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { kind: CHAR_KIND[kindChar], id };
}

/** `bounce+<tag>@domain` or `reply+<tag>@domain`. */
export function taggedAddress(purpose: TaggedAddressPurpose, tag: string, domain: string): string {
  return `${purpose}+${tag}@${domain}`;
}

/**
 * The purpose and tag of an address of the inbound domain (`bounce+<tag>@domain`), not yet
 * verified: pass the tag to readMailTag. Null for any other address.
 */
export function parseTaggedAddress(address: string, domain: string): { purpose: TaggedAddressPurpose; tag: string } | null {
  const match = /^(bounce|reply)\+([0-9a-z]+)@(.+)$/i.exec(address.trim().replace(/^<|>$/g, ''));
  if (!match || match[3].toLowerCase() !== domain.toLowerCase()) return null;
  return { purpose: match[1].toLowerCase() as TaggedAddressPurpose, tag: match[2].toLowerCase() };
}
