import { randomUUID } from 'node:crypto';
import { mailTag } from '../common/mail/mail-tags';
import { classifyInbound, dsnOutcome, InboundMessage, originalReferences, parseDeliveryStatus } from './inbound-classification';

const keys = { secret: 'unit-secret', domain: 'inbound.test' };
const letterId = randomUUID();
const memberId = randomUUID();
const letterTag = mailTag(keys.secret, { kind: 'letter', id: letterId });
const memberTag = mailTag(keys.secret, { kind: 'member', id: memberId });
const forged = mailTag('another-secret', { kind: 'letter', id: letterId });

function deliveryStatus(action: string, status: string): string {
  return ['Reporting-MTA: dns; mx.test', '', 'Final-Recipient: rfc822; office@ministry.test', `Action: ${action}`, `Status: ${status}`, 'Diagnostic-Code: smtp; 550 5.1.1 User', '  unknown', ''].join('\r\n');
}

function message(fields: Partial<InboundMessage>): InboundMessage {
  return { recipients: [], contentType: null, reportType: null, deliveryStatus: null, originalHeaders: '', from: null, subject: null, text: null, ...fields };
}

const dsn = (to: string, action: string, status: string, originalHeaders = '') =>
  message({ recipients: [to], contentType: 'multipart/report', reportType: 'delivery-status', deliveryStatus: deliveryStatus(action, status), originalHeaders });

describe('inbound classification', () => {
  it('reads the per-recipient blocks of a delivery-status part, folded lines joined', () => {
    expect(parseDeliveryStatus(deliveryStatus('failed', '5.1.1'))).toEqual([{ action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' }]);
  });

  it('takes a failure with 5.x.x over a delay with 4.x.x, and neither from relayed or mismatched fields', () => {
    expect(dsnOutcome([{ action: 'delayed', status: '4.4.1', diagnostic: null }, { action: 'failed', status: '5.2.2', diagnostic: null }])).toEqual({ kind: 'bounce', statusCode: '5.2.2', diagnostic: null });
    expect(dsnOutcome([{ action: 'delayed', status: '4.4.1', diagnostic: null }])?.kind).toBe('delay');
    expect(dsnOutcome([{ action: 'failed', status: '4.4.1', diagnostic: null }])).toBeNull();
    expect(dsnOutcome([{ action: 'relayed', status: '2.0.0', diagnostic: null }])).toBeNull();
  });

  it('makes a 5.x.x DSN to a letter bounce address a bounce of that letter, and 4.x.x a delay', () => {
    expect(classifyInbound(dsn(`bounce+${letterTag}@inbound.test`, 'failed', '5.1.1'), keys)).toEqual({ kind: 'bounce', about: { kind: 'letter', id: letterId }, statusCode: '5.1.1', diagnostic: '550 5.1.1 User unknown' });
    expect(classifyInbound(dsn(`bounce+${letterTag}@INBOUND.test`, 'delayed', '4.4.1'), keys)).toMatchObject({ kind: 'delay', statusCode: '4.4.1' });
    expect(classifyInbound(dsn(`bounce+${memberTag}@inbound.test`, 'failed', '5.1.1'), keys)).toMatchObject({ kind: 'bounce', about: { kind: 'member', id: memberId } });
  });

  it('ignores a DSN whose tag does not hold, even when the original names a good one', () => {
    expect(classifyInbound(dsn(`bounce+${forged}@inbound.test`, 'failed', '5.1.1', `X-Qalam-Tag: ${letterTag}`), keys)).toEqual({ kind: 'ignored', why: 'forged tag' });
  });

  it('falls back to the original headers of a DSN sent to another address of the domain', () => {
    expect(classifyInbound(dsn('postmaster@inbound.test', 'failed', '5.1.1', `Return-Path: <bounce+${letterTag}@inbound.test>`), keys)).toMatchObject({ kind: 'bounce', about: { id: letterId } });
    expect(classifyInbound(dsn('postmaster@inbound.test', 'failed', '5.1.1'), keys).kind).toBe('unreadable');
  });

  it('matches an ARF report by the original tag, Return-Path or a letter Message-ID', () => {
    const arf = (originalHeaders: string) => message({ recipients: ['abuse@inbound.test'], contentType: 'multipart/report', reportType: 'feedback-report', originalHeaders });
    expect(classifyInbound(arf(`From: x\r\nX-Qalam-Tag: ${memberTag}\r\n`), keys)).toEqual({ kind: 'complaint', about: { kind: 'member', id: memberId } });
    expect(classifyInbound(arf(`Return-Path: <bounce+${memberTag}@inbound.test>`), keys)).toEqual({ kind: 'complaint', about: { kind: 'member', id: memberId } });
    expect(classifyInbound(arf(`Message-ID: <letter-${letterId}@qalam.test>`), keys)).toEqual({ kind: 'complaint', about: { kind: 'letter', id: letterId } });
    expect(classifyInbound(arf(`X-Qalam-Tag: ${forged}`), keys).kind).toBe('ignored');
  });

  it('makes a plain message to reply+<letter tag> a reply, and anything else unreadable or ignored', () => {
    expect(classifyInbound(message({ recipients: [`reply+${letterTag}@inbound.test`], contentType: 'text/plain' }), keys)).toEqual({ kind: 'reply', letterId });
    expect(classifyInbound(message({ recipients: [`reply+${forged}@inbound.test`] }), keys).kind).toBe('ignored');
    expect(classifyInbound(message({ recipients: [`reply+${memberTag}@inbound.test`] }), keys).kind).toBe('ignored');
    expect(classifyInbound(message({ recipients: ['abuse@inbound.test'] }), keys).kind).toBe('unreadable');
    expect(classifyInbound(message({ recipients: [`bounce+${letterTag}@inbound.test`], contentType: 'multipart/report', reportType: 'disposition-notification' }), keys).kind).toBe('unreadable');
  });

  it('finds no reference in headers that name none', () => {
    expect(originalReferences('Subject: hello\r\nMessage-ID: <x@y>', keys)).toEqual({ tag: null, letterMessageId: null });
  });
});
