import { aMember, aMonth, aCoordinator, aCycle, memberTokens, Month } from './browser/helpers/month';
import { anOfficial } from './helpers/factories';
import { letters } from './helpers/member-mail';
import { ReceivedMessage, SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { messagesOf } from './helpers/responses';
import { waitFor } from './helpers/wait';

/**
 * The body's bytes as they went over the wire, with the transfer encoding undone (7bit,
 * quoted-printable or base64) and CRLF read as a line break: no MIME parser in between, which
 * would normalise what it reads (mailparser adds a final line break).
 */
function bodyBytesOf(message: ReceivedMessage): Buffer {
  const split = message.raw.indexOf('\r\n\r\n');
  const head = message.raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  // The CRLF before the DATA terminator's dot ends the last line: it belongs to SMTP, not to the letter.
  const wire = message.raw.slice(split + 4).replace(/\r\n$/, '');
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1].toLowerCase() ?? '7bit';
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(wire.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') {
    const soft = wire.replace(/=\r\n/g, '');
    const octets: number[] = [];
    for (let index = 0; index < soft.length; index += 1) {
      if (soft[index] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(index + 1, index + 3))) {
        octets.push(parseInt(soft.slice(index + 1, index + 3), 16));
        index += 2;
      } else octets.push(soft.charCodeAt(index));
    }
    bytes = Buffer.from(octets);
  } else bytes = Buffer.from(wire, 'utf8');
  return Buffer.from(bytes.toString('utf8').replace(/\r\n/g, '\n'), 'utf8');
}

/** The page's text, as the browser reads it from Handlebars' escaped output. */
function unescapeHtml(html: string): string {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
  return html.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => entities[entity]);
}

/** The letters the signing page shows (the official's, not the translations beside them), in page order. */
function lettersOnPage(html: string): { language: string; subject: string; body: string }[] {
  const found: { language: string; subject: string; body: string }[] = [];
  const pattern = /<div class="letter-paper" lang="([a-z]{2})">\s*<p class="letter-subject"><span class="letter-label"[^>]*>[^<]*<\/span> ([^<]*)<\/p>\s*<div class="letter-body">([^<]*)<\/div>/g;
  for (const match of html.matchAll(pattern)) found.push({ language: match[1], subject: unescapeHtml(match[2]), body: unescapeHtml(match[3]) });
  return found;
}

describe('one road for a letter: the preview, the signing page and the letter sent are the same bytes', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let month: Month;
  let cycleId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('rendering', { SMTP_URL: sink.url, ORG_NAME: 'Pen Friends' });
    coordinator = await aCoordinator(app.api, app.adminToken, 'rendering');
    month = await aMonth(app.api, coordinator, 1, 'rendering');
    cycleId = await aCycle(app.api, coordinator, month.appeals.map((appeal) => appeal.appealId));
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  const sent = (email: string, count = 1) =>
    waitFor(
      async () => {
        const received = letters(sink).filter((message) => message.to.includes(email));
        return received.length >= count ? received : undefined;
      },
      () => `${letters(sink).filter((message) => message.to.includes(email)).length} of ${count} letters to ${email}`,
    );

  /** The outcome statement records the version with the sent status: wait for it. */
  const recorded = (supporterId: string) =>
    waitFor(
      async () => {
        const { rows } = await app.db.query(`SELECT count(*) FILTER (WHERE status <> 'sent')::int AS pending FROM letters WHERE supporter_id = $1`, [supporterId]);
        return rows[0].pending === 0 ? true : undefined;
      },
      () => `letters of ${supporterId} still not sent`,
    );

  it('renders an English and a Russian letter byte for byte alike in the template preview, on the signing page and in the mail the official receives', async () => {
    const member = await aMember(app.api, coordinator, { name: 'Jane Quinn Doe', language: 'en' });
    const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
    const [appeal] = month.appeals;

    const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
    expect(page.status).toBe(200);
    const shown = lettersOnPage(await page.text());
    expect(shown.map((letter) => letter.language)).toEqual(appeal.officials.map((official) => official.language));

    const previews: { subject: string; body: string }[] = [];
    for (const [index, official] of appeal.officials.entries()) {
      const preview = await app.api.post(`/api/templates/${month.templates[official.language as 'en' | 'ru']}/preview`, { caseId: appeal.caseId, officialId: official.id, supporterId: member.id }, coordinator);
      expect(preview.status).toBe(200);
      expect(shown[index]).toEqual({ language: official.language, subject: preview.body.subject, body: preview.body.body });
      previews.push(preview.body);
    }
    expect(previews[1].body).toMatch(/[\u0400-\u04ff]/);
    expect(previews[1].body).toContain(appeal.caseNameRu);

    const signed = await fetch(`${app.api.baseUrl}/sign/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([['appealIds', appeal.appealId]]).toString(),
    });
    expect(signed.status).toBe(200);

    for (const [index, official] of appeal.officials.entries()) {
      const [message] = await sent(official.email);
      expect(message.subject).toBe(previews[index].subject);
      expect(bodyBytesOf(message).toString('utf8')).toBe(previews[index].body);
      expect(bodyBytesOf(message).equals(Buffer.from(previews[index].body, 'utf8'))).toBe(true);
    }

    // Each letter names the template version it was rendered from.
    await recorded(member.id);
    const { rows } = await app.db.query(
      `SELECT o.language, tv.template_id, tv.version FROM letters l JOIN officials o ON o.id = l.official_id
         JOIN template_versions tv ON tv.id = l.template_version_id WHERE l.supporter_id = $1 ORDER BY o.language`,
      [member.id],
    );
    expect(rows).toEqual([
      { language: 'en', template_id: month.templates.en, version: 1 },
      { language: 'ru', template_id: month.templates.ru, version: 1 },
    ]);
  });

  it("stores the coordinator's template order: an official with no template in their language gets the first template given, not the oldest", async () => {
    const [appeal] = month.appeals;
    const official = await app.api.post('/api/officials', anOfficial({ language: 'uz', email: 'official-uz-rendering@gov.example' }), coordinator);
    expect(official.status).toBe(201);
    const created = await app.api.post(
      '/api/appeals',
      { caseId: appeal.caseId, title: 'Russian first', templateIds: [month.templates.ru, month.templates.en], officialIds: [official.body.id] },
      coordinator,
    );
    expect(created.status).toBe(201);
    expect(created.body.templateIds).toEqual([month.templates.ru, month.templates.en]);
    const read = await app.api.get(`/api/appeals/${created.body.id}`, coordinator);
    expect(read.body.templateIds).toEqual([month.templates.ru, month.templates.en]);
    const { rows } = await app.db.query(`SELECT template_id, position FROM appeal_templates WHERE appeal_id = $1 ORDER BY position`, [created.body.id]);
    expect(rows).toEqual([
      { template_id: month.templates.ru, position: 0 },
      { template_id: month.templates.en, position: 1 },
    ]);

    const launched = await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator);
    expect(launched.status).toBe(200);
    const member = await aMember(app.api, coordinator, { name: 'Uzbek Reader', language: 'en' });
    const signer = await app.api.login(member.email, 'member-password-1');
    const signature = await app.api.post(`/api/appeals/${created.body.id}/signatures`, {}, signer);
    expect(signature.status).toBe(201);
    const [message]: ReceivedMessage[] = await sent('official-uz-rendering@gov.example');
    const preview = await app.api.post(`/api/templates/${month.templates.ru}/preview`, { caseId: appeal.caseId, officialId: official.body.id, supporterId: member.id }, coordinator);
    expect(message.subject).toBe(preview.body.subject);
    expect(bodyBytesOf(message).toString('utf8')).toBe(preview.body.body);
  });

  it('edits a template as a new version: 400 naming the line of a bad edit, letters already sent keep their version, the next letters use the new text', async () => {
    const [appeal] = month.appeals;
    const english = appeal.officials.find((official) => official.language === 'en')!;
    const before = await app.api.get(`/api/templates/${month.templates.en}`, coordinator);
    expect(before.status).toBe(200);
    expect(before.body.version).toBe(1);
    expect(before.body.versions).toEqual([expect.objectContaining({ version: 1, subject: before.body.subject, body: before.body.body })]);

    const refused = await app.api.patch(`/api/templates/${month.templates.en}`, { body: 'Dear {{official.name}},\n\n{{official.email}}' }, coordinator);
    expect(refused.status).toBe(400);
    expect(messagesOf(refused.body)).toEqual([expect.stringMatching(/^body line 3: unknown variable 'official\.email'/)]);
    const helper = await app.api.patch(`/api/templates/${month.templates.en}`, { subject: '{{#each note}}x{{/each}}' }, coordinator);
    expect(helper.status).toBe(400);
    expect(messagesOf(helper.body)).toEqual([expect.stringMatching(/^subject line 1: unknown helper 'each'/)]);
    const syntax = await app.api.patch(`/api/templates/${month.templates.en}`, { body: 'Dear\n{{#if note}}' }, coordinator);
    expect(syntax.status).toBe(400);
    expect(messagesOf(syntax.body)).toEqual([expect.stringMatching(/^body line \d+: /)]);
    const notString = await app.api.patch(`/api/templates/${month.templates.en}`, { subject: 42 }, coordinator);
    expect(notString.status).toBe(400);
    const unknown = await app.api.patch('/api/templates/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f', { name: 'x' }, coordinator);
    expect(unknown.status).toBe(404);
    const malformed = await app.api.patch('/api/templates/not-a-uuid', { name: 'x' }, coordinator);
    expect(malformed.status).toBe(404);
    await expect(app.api.get(`/api/templates/${month.templates.en}`, coordinator).then((response) => response.body.version)).resolves.toBe(1);

    const renamed = await app.api.patch(`/api/templates/${month.templates.en}`, { name: 'Appeal (English, renamed)' }, coordinator);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Appeal (English, renamed)', version: 1 });
    const edited = await app.api.patch(`/api/templates/${month.templates.en}`, { subject: 'Edited: free {{case.name}}' }, coordinator);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, subject: 'Edited: free {{case.name}}', body: before.body.body });
    expect(edited.body.versions.map((version: { version: number; subject: string }) => [version.version, version.subject])).toEqual([
      [2, 'Edited: free {{case.name}}'],
      [1, before.body.subject],
    ]);

    // A new signer's letter is rendered from version 2; the letters of the first test keep version 1.
    const member = await aMember(app.api, coordinator, { name: 'Late Signer', language: 'en' });
    const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
    const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
    const shown = lettersOnPage(await page.text());
    expect(shown[0].subject).toBe(`Edited: free ${appeal.caseName}`);
    const signed = await fetch(`${app.api.baseUrl}/sign/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([['appealIds', appeal.appealId]]).toString(),
    });
    expect(signed.status).toBe(200);
    const received = await sent(english.email, 2);
    expect(received[1].subject).toBe(`Edited: free ${appeal.caseName}`);
    expect(bodyBytesOf(received[1]).toString('utf8')).toBe(shown[0].body);
    await recorded(member.id);
    const { rows } = await app.db.query(
      `SELECT s.name, tv.version FROM letters l JOIN supporters s ON s.id = l.supporter_id JOIN template_versions tv ON tv.id = l.template_version_id
        WHERE l.official_id = $1 ORDER BY tv.version`,
      [english.id],
    );
    expect(rows).toEqual([
      { name: 'Jane Quinn Doe', version: 1 },
      { name: 'Late Signer', version: 2 },
    ]);
  });
});
