import { foldLines, hasLongerLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';

export interface PlainLetter {
  fromName: string;
  fromAddress: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  /** Letters carry X-Qalam-Letter; mail to members does not. */
  letterId?: string;
  /** A letter's `reply+<tag>@INBOUND_DOMAIN`: where an official's answer goes. */
  replyTo?: string;
  /** The signed tag (X-Qalam-Tag) that names the letter or the member: an ARF report quotes it back. */
  tag?: string;
  date: Date;
  /** More headers, e.g. List-Unsubscribe; their values are made one line. */
  headers?: Record<string, string>;
}

/** One node, reused only for its header encoding (Nodemailer's own rules for addresses and words). */
const headers = new MimeNode('text/plain');

/** Control characters (CR and LF above all) would let a value start a header of its own. */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

function header(key: string, value: string): string {
  return foldLines(`${key}: ${value}`, 76);
}

/**
 * Builds a plain-text letter as RFC 5322 bytes: the headers encoded by Nodemailer's MIME
 * functions, the body 7bit, quoted-printable or base64 as Nodemailer would choose. A letter
 * is one text part, so composing it directly costs a fraction of building a MIME tree
 * (which the delivery benchmark showed to be half the worker's time).
 */
export function composePlainLetter(letter: PlainLetter): Buffer {
  const text = letter.text.replace(/\r?\n|\r/g, '\r\n');
  const ascii = /^[\x20-\x7e\r\n\t]*$/.test(text);
  let encoding: string;
  let body: string;
  if (ascii && !hasLongerLines(text, 76)) {
    encoding = '7bit';
    body = text;
  } else {
    const nonAscii = text.replace(/[\x00-\x7f]/g, '').length;
    if (nonAscii < text.length / 2) {
      encoding = 'quoted-printable';
      body = qpWrap(qpEncode(Buffer.from(text)), 76);
    } else {
      encoding = 'base64';
      body = Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n');
    }
  }
  const lines = [
    header('From', headers.encodeHeaderValue('From', { name: oneLine(letter.fromName), address: letter.fromAddress }) as string),
    header('To', headers.encodeHeaderValue('To', letter.to) as string),
    ...(letter.replyTo ? [header('Reply-To', headers.encodeHeaderValue('Reply-To', letter.replyTo) as string)] : []),
    header('Subject', headers.encodeHeaderValue('Subject', oneLine(letter.subject)) as string),
    header('Message-ID', letter.messageId),
    header('Date', letter.date.toUTCString().replace(/GMT/, '+0000')),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${encoding}`,
    ...(letter.letterId ? [header('X-Qalam-Letter', letter.letterId)] : []),
    ...(letter.tag ? [header('X-Qalam-Tag', oneLine(letter.tag))] : []),
    ...Object.entries(letter.headers ?? {}).map(([key, value]) => header(key.replace(/[^A-Za-z0-9-]/g, ''), oneLine(value))),
  ];
  // No final line break: the SMTP client ends the data with its own.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n$/, '')}`);
}
