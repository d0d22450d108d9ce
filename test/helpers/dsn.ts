import { randomUUID } from 'node:crypto';

/** The original message a report encloses (its headers, and a short body). */
export interface OriginalMessage {
  /** The envelope sender it went out with (Return-Path), e.g. `bounce+<tag>@inbound.test`. */
  returnPath?: string;
  messageId?: string;
  /** The X-Qalam-Tag header. */
  tag?: string;
  to?: string;
  subject?: string;
}

function originalHeaders(original: OriginalMessage): string {
  return [
    ...(original.returnPath ? [`Return-Path: <${original.returnPath}>`] : []),
    'From: Letters <letters@qalam.test>',
    `To: ${original.to ?? 'office@ministry.test'}`,
    `Subject: ${original.subject ?? 'A letter'}`,
    ...(original.messageId ? [`Message-ID: ${original.messageId}`] : []),
    ...(original.tag ? [`X-Qalam-Tag: ${original.tag}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ].join('\r\n');
}

/**
 * A delivery status notification as RFC 3464 builds one: multipart/report;
 * report-type=delivery-status, a human-readable part, a message/delivery-status part (the
 * per-message fields, then one block per recipient with Action and Status) and the
 * original's headers (text/rfc822-headers).
 */
export function buildDsn(input: { to: string; status: string; recipient?: string; diagnostic?: string; original?: OriginalMessage; action?: string }): string {
  const boundary = `dsn-${randomUUID()}`;
  const failed = input.status.startsWith('5');
  const action = input.action ?? (failed ? 'failed' : 'delayed');
  const recipient = input.recipient ?? 'office@ministry.test';
  const diagnostic = input.diagnostic ?? (failed ? '550 5.1.1 <office@ministry.test>: Recipient address rejected: User unknown' : '451 4.4.1 Connection timed out');
  return [
    'From: MAILER-DAEMON@mx.ministry.test (Mail Delivery System)',
    `To: ${input.to}`,
    `Subject: ${failed ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Message-ID: <${randomUUID()}@mx.ministry.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    failed ? 'Your message could not be delivered to one or more recipients.' : 'Your message has not been delivered yet; the server will keep trying.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.ministry.test',
    `Arrival-Date: ${new Date().toUTCString()}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${input.status}`,
    'Remote-MTA: dns; mx.ministry.test',
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders(input.original ?? {}),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * An abuse report as RFC 5965 builds one (what a feedback loop sends to abuse@): multipart/report;
 * report-type=feedback-report, a human-readable part, a message/feedback-report part and the
 * original message (message/rfc822).
 */
export function buildArf(input: { to: string; original: OriginalMessage }): string {
  const boundary = `arf-${randomUUID()}`;
  return [
    'From: feedback@fbl.mailbox.test',
    `To: ${input.to}`,
    'Subject: FW: complaint',
    `Message-ID: <${randomUUID()}@fbl.mailbox.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.1.',
    '',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeGenerator/1.0',
    'Version: 1',
    'Original-Mail-From: <letters@qalam.test>',
    'Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT',
    'Reported-Domain: qalam.test',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    originalHeaders(input.original),
    '',
    'Dear member, the month of letters begins.',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** An official's plain answer to a letter, sent to its Reply-To. */
export function buildReply(input: { to: string; from: string; subject: string; text: string; inReplyTo?: string }): string {
  return [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${input.subject}`,
    `Message-ID: <${randomUUID()}@ministry.test>`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`] : []),
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.text,
    '',
  ].join('\r\n');
}
