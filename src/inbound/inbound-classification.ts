import { MailTag, parseTaggedAddress, readMailTag } from '../common/mail/mail-tags';

/** One recipient's block of a message/delivery-status part (RFC 3464, section 2.3). */
export interface DeliveryStatusRecipient {
  action: string | null;
  status: string | null;
  diagnostic: string | null;
}

/** What the listener read of one message, before deciding what it is. */
export interface InboundMessage {
  /** The envelope's RCPT TO addresses (all of the inbound domain). */
  recipients: string[];
  /** The top-level Content-Type, lower-case (`multipart/report`), and its report-type parameter. */
  contentType: string | null;
  reportType: string | null;
  /** The message/delivery-status part's text, if any. */
  deliveryStatus: string | null;
  /** Header text of the enclosed original message (text/rfc822-headers, message/rfc822, or a report's body). */
  originalHeaders: string;
  from: string | null;
  subject: string | null;
  text: string | null;
}

/** What a message is and what it is about; a tag is trusted only once readMailTag verified it. */
export type InboundDecision =
  | { kind: 'bounce' | 'delay'; about: MailTag; statusCode: string; diagnostic: string | null }
  | { kind: 'complaint'; about: MailTag }
  | { kind: 'reply'; letterId: string }
  | { kind: 'ignored'; why: string }
  | { kind: 'unreadable'; why: string };

const STATUS = /^([245])\.\d{1,3}\.\d{1,3}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Header fields of a block of `Name: value` lines, folded lines joined (RFC 5322 unfolding), names lower-cased. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const match = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    last = match[1].toLowerCase();
    if (!fields.has(last)) fields.set(last, match[2].trim());
  }
  return fields;
}

/**
 * The per-recipient blocks of a message/delivery-status part: the first block holds the
 * per-message fields (Reporting-MTA...), each later one a recipient's Action, Status and
 * Diagnostic-Code. A status is kept only in its `class.subject.detail` shape.
 */
export function parseDeliveryStatus(text: string): DeliveryStatusRecipient[] {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/).filter((block) => block.trim() !== '');
  return blocks.slice(1).flatMap((block) => {
    const fields = fieldsOf(block);
    if (!fields.has('action') && !fields.has('status')) return [];
    const status = /^\s*(\d\.\d{1,3}\.\d{1,3})/.exec(fields.get('status') ?? '')?.[1] ?? null;
    const diagnostic = fields.get('diagnostic-code')?.replace(/^[a-z-]+;\s*/i, '').slice(0, 1000) ?? null;
    return [{ action: fields.get('action')?.toLowerCase().split(/\s/)[0] ?? null, status, diagnostic }];
  });
}

/**
 * What a DSN says happened: a bounce when a recipient `failed` with 5.x.x, a delay when one was
 * `delayed` with 4.x.x (a failure wins over a delay); null for relayed, delivered or expanded
 * reports, or fields that do not agree (a `failed` with a 4.x.x status).
 */
export function dsnOutcome(recipients: DeliveryStatusRecipient[]): { kind: 'bounce' | 'delay'; statusCode: string; diagnostic: string | null } | null {
  const failed = recipients.find((r) => r.action === 'failed' && r.status && STATUS.exec(r.status)?.[1] === '5');
  if (failed) return { kind: 'bounce', statusCode: failed.status!, diagnostic: failed.diagnostic };
  const delayed = recipients.find((r) => r.action === 'delayed' && r.status && STATUS.exec(r.status)?.[1] === '4');
  if (delayed) return { kind: 'delay', statusCode: delayed.status!, diagnostic: delayed.diagnostic };
  return null;
}

/**
 * The tags an enclosed original names, verified: its X-Qalam-Tag header, or its Return-Path
 * `bounce+<tag>@domain`. A letter's Message-ID (`<letter-<id>@...>`) is not signed: it is
 * returned apart.
 */
export function originalReferences(headers: string, keys: { secret: string; domain: string }): { tag: MailTag | null; letterMessageId: string | null } {
  let tag: MailTag | null = null;
  for (const match of headers.matchAll(/^X-Qalam-Tag:[ \t]*([0-9a-z]+)[ \t]*$/gim)) {
    tag = readMailTag(keys.secret, match[1]);
    if (tag) break;
  }
  if (!tag) {
    for (const match of headers.matchAll(/^Return-Path:[ \t]*<?([^>\s]+)>?[ \t]*$/gim)) {
      const tagged = parseTaggedAddress(match[1], keys.domain);
      tag = tagged?.purpose === 'bounce' ? readMailTag(keys.secret, tagged.tag) : null;
      if (tag) break;
    }
  }
  const letterMessageId = new RegExp(`^Message-ID:[ \\t]*<letter-(${UUID})@[^>]+>`, 'im').exec(headers)?.[1]?.toLowerCase() ?? null;
  return { tag, letterMessageId };
}

/** The first recipient `<purpose>+<tag>@domain`: its tag as given (null if none) and whether it holds under the secret. */
function taggedRecipient(recipients: string[], purpose: 'bounce' | 'reply', keys: { secret: string; domain: string }): { given: boolean; tag: MailTag | null } {
  const tagged = recipients.map((address) => parseTaggedAddress(address, keys.domain)).filter((t) => t?.purpose === purpose);
  if (tagged.length === 0) return { given: false, tag: null };
  for (const candidate of tagged) {
    const tag = readMailTag(keys.secret, candidate!.tag);
    if (tag) return { given: true, tag };
  }
  return { given: true, tag: null };
}

/**
 * Decides what a received message is (pure: no database). A report is read by its structure
 * (RFC 3464, RFC 5965), never by its wording: a DSN to `bounce+<tag>` (or naming a tag in the
 * original it encloses), an ARF report at any address of the domain, a plain answer to
 * `reply+<tag>`. A tag that does not verify makes the message `ignored`; one with no tag or
 * no readable structure is `unreadable`. Both are kept for review.
 */
export function classifyInbound(message: InboundMessage, keys: { secret: string; domain: string }): InboundDecision {
  const isReport = message.contentType === 'multipart/report';
  const reportType = message.reportType?.toLowerCase() ?? null;
  if (isReport && reportType === 'delivery-status') {
    const outcome = message.deliveryStatus ? dsnOutcome(parseDeliveryStatus(message.deliveryStatus)) : null;
    if (!outcome) return { kind: 'unreadable', why: 'a delivery report without a failed or delayed recipient' };
    const bounce = taggedRecipient(message.recipients, 'bounce', keys);
    const about = bounce.tag ?? (bounce.given ? null : originalReferences(message.originalHeaders, keys).tag);
    if (!about) return bounce.given ? { kind: 'ignored', why: 'forged tag' } : { kind: 'unreadable', why: 'a delivery report naming no tag' };
    return { kind: outcome.kind, about, statusCode: outcome.statusCode, diagnostic: outcome.diagnostic };
  }
  if (isReport && reportType === 'feedback-report') {
    const { tag, letterMessageId } = originalReferences(message.originalHeaders, keys);
    if (tag) return { kind: 'complaint', about: tag };
    // Not signed: the caller finds the letter or ignores the report; a complaint about a letter only records and flags.
    if (letterMessageId) return { kind: 'complaint', about: { kind: 'letter', id: letterMessageId } };
    return { kind: 'ignored', why: 'an abuse report about no mail of ours' };
  }
  if (isReport) return { kind: 'unreadable', why: 'a report of an unknown type' };
  const reply = taggedRecipient(message.recipients, 'reply', keys);
  if (reply.tag?.kind === 'letter') return { kind: 'reply', letterId: reply.tag.id };
  if (reply.given) return { kind: 'ignored', why: reply.tag ? 'a reply to member mail' : 'forged tag' };
  return { kind: 'unreadable', why: 'neither a report nor a reply to a letter' };
}
