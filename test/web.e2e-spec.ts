import { aMember, aMonth, aCoordinator, aCycle, escapeHtml, Member, memberTokens, Month } from './browser/helpers/month';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { signToken, withPayload, claimsOf } from './helpers/tokens';
import { waitFor } from './helpers/wait';

/** Posts a form as a browser would, with optional extra headers. */
async function postForm(baseUrl: string, path: string, fields: [string, string][], headers: Record<string, string> = {}) {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function getPage(baseUrl: string, path: string) {
  const response = await fetch(baseUrl + path);
  return { status: response.status, html: await response.text(), headers: response.headers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

describe('the signing pages', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let month: Month;
  let cycleId: string;
  let base: string;
  const tokens = () => memberTokens(app.config.appSecret);

  const signaturesOf = async (member: Member) => (await app.db.query(`SELECT count(*)::int AS n FROM signatures WHERE supporter_id = $1`, [member.id])).rows[0].n as number;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('web', { SMTP_URL: sink.url, ORG_NAME: 'Global Importune' });
    base = app.api.baseUrl;
    coordinator = await aCoordinator(app.api, app.adminToken, 'web');
    month = await aMonth(app.api, coordinator, 2, 'web');
    cycleId = await aCycle(app.api, coordinator, month.appeals.map((a) => a.appealId));
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('shows every case of the month with the exact letter each official will receive, and the member’s own language beside it', async () => {
    const member = await aMember(app.api, coordinator);
    const token = tokens().issue('sign', { supporterId: member.id, cycleId });
    const page = await getPage(base, `/sign/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.html).toMatch(/^<!doctype html>\n<html lang="en">/);

    // In the cycle's order, each case with its summary and timeline, every value escaped.
    const positions = month.appeals.map((appeal) => page.html.indexOf(`>${escapeHtml(appeal.caseName)}</h2>`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(page.html).toContain('Sentenced after a closed trial &lt;b&gt;in secret&lt;/b&gt;.');
    expect(page.html).toContain('Sentenced to 8 years &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script');
    expect(page.html).toContain('<time datetime="2024-11-01">1 November 2024</time>');
    expect(page.html).toContain('href="https://news.example.org/arrest"');

    // The letters: exactly what the preview of the official's template renders for this member.
    for (const appeal of month.appeals) {
      for (const official of appeal.officials) {
        const templateId = official.language === 'ru' ? month.templates.ru : month.templates.en;
        const preview = await app.api.post(`/api/templates/${templateId}/preview`, { caseId: appeal.caseId, officialId: official.id, supporterId: member.id }, coordinator);
        expect(preview.status).toBe(200);
        expect(page.html).toContain(`<div class="letter-body">${escapeHtml(preview.body.body)}</div>`);
        expect(page.html).toContain(`Subject:</span> ${escapeHtml(preview.body.subject)}</p>`);
      }
    }
    // The Russian letter is marked Russian, and followed by the same letter in English.
    const russian = page.html.indexOf('<div class="letter-paper" lang="ru">');
    expect(russian).toBeGreaterThan(0);
    const translation = page.html.indexOf('<div class="letter-paper letter-translation" lang="en">', russian);
    expect(translation).toBeGreaterThan(russian);
    expect(page.html.slice(translation, translation + 300)).toContain(`Appeal on behalf of ${escapeHtml(month.appeals[0].caseName)}`);
    // A personal note (2,000 characters at most) and the member's own signature style, chosen.
    expect(page.html).toContain(`name="note[${month.appeals[0].appealId}]" rows="4" maxlength="2000"`);
    expect(page.html).toMatch(new RegExp(`name="signatureStyle\\[${month.appeals[0].appealId}\\]" value="full" checked>`));
    expect(page.html).toContain('value="all"');
  });

  it('signs all from the form: the letters reach each official in their language, with the note, and the page shows them signed', async () => {
    const member = await aMember(app.api, coordinator, { name: 'Jane Quinn Doe' });
    const token = tokens().issue('sign', { supporterId: member.id, cycleId });
    const [first, second] = month.appeals;
    const NOTE = 'I think of her and her two children every day. <Free them>';

    const posted = await postForm(base, `/sign/${token}`, [
      [`note[${first.appealId}]`, NOTE],
      [`signatureStyle[${first.appealId}]`, 'full'],
      [`note[${second.appealId}]`, ''],
      [`signatureStyle[${second.appealId}]`, 'initials'],
      ['appealIds', 'all'],
    ], { origin: base });
    expect(posted.status).toBe(200);
    expect(posted.html).toContain('<h1>Thank you</h1>');
    expect(posted.html).toContain('You signed 2 appeals: 4 letters in your name are on their way.');
    for (const official of [...first.officials, ...second.officials]) expect(posted.html).toContain(`<strong>${escapeHtml(`${official.title} ${official.name}`)}</strong>`);
    expect(posted.html).toContain('a letter in Russian');
    expect(posted.html).toContain(escapeHtml(NOTE));

    const { rows: letters } = await app.db.query(`SELECT id, appeal_id, official_id FROM letters WHERE supporter_id = $1`, [member.id]);
    expect(letters).toHaveLength(4);
    const ids = new Set(letters.map((letter: { id: string }) => letter.id));
    const received = await waitFor(
      async () => {
        const mine = sink.messages.filter((message) => ids.has(message.letterId ?? ''));
        return mine.length === 4 ? mine : undefined;
      },
      () => `${sink.messages.filter((message) => ids.has(message.letterId ?? '')).length} of 4 letters received`,
    );
    for (const message of received) {
      const letter = letters.find((row: { id: string }) => row.id === message.letterId)!;
      const appeal = month.appeals.find((a) => a.appealId === letter.appeal_id)!;
      const official = appeal.officials.find((o) => o.id === letter.official_id)!;
      expect(message.to).toEqual([official.email]);
      // Russian letters carry the case's Russian name (issue 10: no English word of the case in a Russian letter).
      expect(message.subject).toBe(official.language === 'ru' ? `Обращение по делу: ${appeal.caseNameRu}` : `Appeal on behalf of ${appeal.caseName}`);
      if (appeal === first) {
        expect(message.text).toContain(NOTE);
        expect(message.text).toContain('Jane Quinn Doe');
        expect(message.fromHeader).toContain(official.language === 'ru' ? 'Jane Quinn Doe через Global Importune' : 'Jane Quinn Doe via Global Importune');
      } else {
        expect(message.text).not.toContain(NOTE);
        expect(message.text).toContain('J. Q. D.');
      }
      expect(message.text).toContain(official.language === 'ru' ? 'С уважением' : 'Yours respectfully');
    }

    const again = await getPage(base, `/sign/${token}`);
    expect(again.status).toBe(200);
    expect(again.html.match(/Signed on /g)).toHaveLength(2);
    expect(again.html).not.toContain('<textarea');
    // The signed letter is shown as it was sent: with the note.
    expect(again.html).toContain(escapeHtml(NOTE));

    const history = await waitFor(
      async () => {
        const page = await getPage(base, `/sign/${token}/letters`);
        return (page.html.match(/>Delivered</g) ?? []).length === 4 ? page : undefined;
      },
      () => 'the letters page never showed four delivered letters',
    );
    expect(history.status).toBe(200);
    expect(history.html).toContain('You have signed 4 letters for 2 cases.');
    for (const appeal of month.appeals) expect(history.html).toContain(`>${escapeHtml(appeal.caseName)}</h2>`);

    // Signing again changes nothing.
    const twice = await postForm(base, `/sign/${token}`, [['appealIds', first.appealId], ['note', 'again']]);
    expect(twice.status).toBe(200);
    expect(twice.html).toContain('You had already signed this letter');
    await expect(app.db.query(`SELECT count(*)::int AS n FROM letters WHERE supporter_id = $1`, [member.id])).resolves.toMatchObject({ rows: [{ n: 4 }] });
  });

  it('signs one letter alone with the plain note and style fields', async () => {
    const member = await aMember(app.api, coordinator);
    const token = tokens().issue('sign', { supporterId: member.id, cycleId });
    const [first, second] = month.appeals;
    const posted = await postForm(base, `/sign/${token}`, [['appealIds', second.appealId], ['note', 'Short note'], ['signatureStyle', 'anonymous']]);
    expect(posted.status).toBe(200);
    expect(posted.html).toContain('You signed 1 appeal: 2 letters in your name are on their way.');
    const { rows } = await app.db.query(`SELECT appeal_id, note, signature_style FROM signatures WHERE supporter_id = $1`, [member.id]);
    expect(rows).toEqual([{ appeal_id: second.appealId, note: 'Short note', signature_style: 'anonymous' }]);
    const page = await getPage(base, `/sign/${token}`);
    expect(page.html).toContain(`name="note[${first.appealId}]"`);
    expect(page.html).not.toContain(`name="note[${second.appealId}]"`);
    expect(page.html).not.toContain('value="all"');
  });

  it('answers a tampered link with a clear 404 page and an expired one with a 410 page, and changes nothing', async () => {
    const member = await aMember(app.api, coordinator);
    const good = tokens().issue('sign', { supporterId: member.id, cycleId });
    const other = await aMember(app.api, coordinator);
    const claims = claimsOf(good);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, number, string][] = [
      ['a changed signature', `${good.slice(0, -3)}${good.endsWith('AAA') ? 'BBB' : 'AAA'}`, 404, 'This link does not work'],
      ['a payload swapped for another member', withPayload(good, { ...claims, sub: other.id }), 404, 'This link does not work'],
      ['a link cut short', good.slice(0, 40), 404, 'This link does not work'],
      ['a link for another purpose', tokens().issue('unsubscribe', { supporterId: member.id }), 404, 'This link does not work'],
      ['a token signed with another secret', signToken({ sub: member.id, cyc: cycleId, aud: 'qalam:sign', iat: now, exp: now + 3600 }, 'another-secret-that-is-long-enough-0123'), 404, 'This link does not work'],
      ['an expired link', signToken({ sub: member.id, cyc: cycleId, aud: 'qalam:sign', iat: now - 90 * 86400, exp: now - 86400 }, app.config.appSecret), 410, 'This link has expired'],
      // Signed with our secret, but naming no member, or a cycle by something that is not an id.
      ['a link for no one', signToken({ sub: '', cyc: cycleId, aud: 'qalam:sign', iat: now, exp: now + 3600 }, app.config.appSecret), 404, 'This link does not work'],
      ['a link whose cycle is not an id', signToken({ sub: member.id, cyc: 'november', aud: 'qalam:sign', iat: now, exp: now + 3600 }, app.config.appSecret), 404, 'This link does not work'],
      ['an expired link for no one', signToken({ sub: '', cyc: cycleId, aud: 'qalam:sign', iat: now - 90 * 86400, exp: now - 86400 }, app.config.appSecret), 404, 'This link does not work'],
    ];
    for (const [what, token, status, heading] of cases) {
      const page = await getPage(base, `/sign/${encodeURIComponent(token)}`);
      expect({ what, status: page.status }).toEqual({ what, status });
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.html).toContain(`<h1>${heading}</h1>`);
      expect(page.html).toContain('Nothing was signed or changed.');
      const posted = await postForm(base, `/sign/${encodeURIComponent(token)}`, [['appealIds', 'all'], ['note', 'forged']]);
      expect({ what, status: posted.status }).toEqual({ what, status });
      const letters = await getPage(base, `/sign/${encodeURIComponent(token)}/letters`);
      expect({ what, status: letters.status }).toEqual({ what, status });
    }
    await expect(signaturesOf(member)).resolves.toBe(0);
    await expect(signaturesOf(other)).resolves.toBe(0);
  });

  it('refuses a post from another site, and a note over 2,000 characters, signing nothing', async () => {
    const member = await aMember(app.api, coordinator);
    const token = tokens().issue('sign', { supporterId: member.id, cycleId });
    const crossSite = await postForm(base, `/sign/${token}`, [['appealIds', 'all']], { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.html).toContain('This form came from another website');
    const nullOrigin = await postForm(base, `/sign/${token}`, [['appealIds', 'all']], { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const foreignReferer = await postForm(base, `/sign/${token}`, [['appealIds', 'all']], { referer: 'https://evil.example/page' });
    expect(foreignReferer.status).toBe(403);

    const [first] = month.appeals;
    const tooLong = await postForm(base, `/sign/${token}`, [[`note[${first.appealId}]`, 'x'.repeat(2001)], ['appealIds', 'all']]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('Nothing was signed: please check');
    expect(tooLong.html).toContain('please keep it to 2,000');
    expect(tooLong.html).toContain('aria-invalid="true"');

    const stranger = await postForm(base, `/sign/${token}`, [['appealIds', '00000000-0000-4000-8000-000000000000']]);
    expect(stranger.status).toBe(400);
    expect(stranger.html).toContain('not part of this month’s letters');
    const badStyle = await postForm(base, `/sign/${token}`, [['appealIds', 'all'], ['signatureStyle', 'royal']]);
    expect(badStyle.status).toBe(400);
    await expect(signaturesOf(member)).resolves.toBe(0);
  });

  it('shows the unsubscribe page without unsubscribing; its one button unsubscribes', async () => {
    const member = await aMember(app.api, coordinator, { email: `leaver-${Date.now()}@members.example` });
    const token = tokens().issue('unsubscribe', { supporterId: member.id });
    const page = await getPage(base, `/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<form method="post" action="/unsubscribe/${token}">`);
    expect(page.html).toContain('l•••@members.example');
    const unsubscribedAt = async () => (await app.db.query(`SELECT unsubscribed_at FROM supporters WHERE id = $1`, [member.id])).rows[0].unsubscribed_at as Date | null;
    await expect(unsubscribedAt()).resolves.toBeNull();
    const wrong = await getPage(base, `/unsubscribe/${tokens().issue('sign', { supporterId: member.id, cycleId })}`);
    expect(wrong.status).toBe(404);

    const crossSite = await postForm(base, `/unsubscribe/${token}`, [['List-Unsubscribe', 'One-Click']], { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    await expect(unsubscribedAt()).resolves.toBeNull();
    const left = await postForm(base, `/unsubscribe/${token}`, [['List-Unsubscribe', 'One-Click']], { origin: base });
    expect(left.status).toBe(200);
    expect(left.html).toContain('<h1>You have left the mailing list</h1>');
    await expect(unsubscribedAt()).resolves.toBeInstanceOf(Date);
    const after = await getPage(base, `/unsubscribe/${token}`);
    expect(after.html).toContain('is already unsubscribed');
    // Their sign link no longer opens the signing page.
    const signPage = await getPage(base, `/sign/${tokens().issue('sign', { supporterId: member.id, cycleId })}`);
    expect(signPage.status).toBe(404);
  });

  it('joins with explicit consent: every missing field is named, then a confirmation email, a confirm page, and a confirmed member', async () => {
    const page = await getPage(base, '/join');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<input type="checkbox" id="join-consent" name="consent" value="yes" required');
    const version = /Consent text version (\d{4}-\d{2}-\d{2})/.exec(page.html)![1];
    expect(page.html).toContain('<option value="TJ">Tajikistan</option>');

    const refused = await postForm(base, '/join', [['name', ''], ['email', 'not-an-email'], ['consentVersion', version]]);
    expect(refused.status).toBe(400);
    for (const anchor of ['#join-name', '#join-email', '#join-country', '#join-consent']) expect(refused.html).toContain(`href="${anchor}"`);
    const stale = await postForm(base, '/join', [['name', 'Ann Joiner'], ['email', 'ann@members.example'], ['country', 'FR'], ['consent', 'yes'], ['consentVersion', '2001-01-01']]);
    expect(stale.status).toBe(400);
    expect(stale.html).toContain('The consent text has changed');

    const email = `joiner-${Date.now()}@members.example`;
    const joined = await postForm(base, '/join', [['name', 'Ann Joiner'], ['email', email], ['country', 'FR'], ['city', 'Lyon'], ['language', 'ru'], ['consent', 'yes'], ['consentVersion', version]], { origin: base });
    expect(joined.status).toBe(202);
    expect(joined.html).toContain('<h1>Check your email</h1>');
    const { rows } = await app.db.query(`SELECT id, consent_version, consented_at, confirmed_at, language FROM supporters WHERE email = $1`, [email]);
    expect(rows).toEqual([expect.objectContaining({ consent_version: version, confirmed_at: null, language: 'ru' })]);
    expect(rows[0].consented_at).toBeInstanceOf(Date);

    const mail = await waitFor(
      async () => sink.messages.find((message) => message.to.includes(email)),
      () => `no confirmation email to ${email}`,
    );
    const link = new RegExp(`${app.config.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/join/confirm/[A-Za-z0-9_.-]+)`).exec(mail.text)![1];
    const confirmPage = await getPage(base, link);
    expect(confirmPage.status).toBe(200);
    // The member chose Russian: their pages are in Russian (issue 10).
    expect(confirmPage.html).toContain('Подтвердить и присоединиться');
    await expect(app.db.query(`SELECT confirmed_at FROM supporters WHERE email = $1`, [email])).resolves.toMatchObject({ rows: [{ confirmed_at: null }] });
    const confirmed = await postForm(base, link, [], { origin: base });
    expect(confirmed.status).toBe(200);
    expect(confirmed.html).toContain('<h1>Добро пожаловать</h1>');
    const after = await app.db.query(`SELECT confirmed_at FROM supporters WHERE email = $1`, [email]);
    expect(after.rows[0].confirmed_at).toBeInstanceOf(Date);

    const expired = signToken({ sub: rows[0].id, aud: 'qalam:confirm', iat: 1, exp: 2 }, app.config.appSecret);
    await expect(getPage(base, `/join/confirm/${expired}`)).resolves.toMatchObject({ status: 410 });
  });

  it('serves the stylesheet under a content hash, cached for good', async () => {
    const page = await getPage(base, '/join');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.html)![1];
    const css = await fetch(base + href);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toContain('immutable');
    await expect(getPage(base, '/assets/other.css')).resolves.toMatchObject({ status: 404 });
  });

  it('measures the page of a five-appeal month (median of 20 requests after warm-up)', async () => {
    const five = await aMonth(app.api, coordinator, 5, 'timing');
    const fiveCycle = await aCycle(app.api, coordinator, five.appeals.map((a) => a.appealId));
    const member = await aMember(app.api, coordinator);
    const token = tokens().issue('sign', { supporterId: member.id, cycleId: fiveCycle });
    for (let i = 0; i < 5; i += 1) expect((await getPage(base, `/sign/${token}`)).status).toBe(200);
    const server: number[] = [];
    const roundTrip: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      const page = await getPage(base, `/sign/${token}`);
      roundTrip.push(performance.now() - started);
      expect(page.status).toBe(200);
      bytes = page.html.length;
      server.push(Number(/page;dur=([\d.]+)/.exec(page.headers.get('server-timing') ?? '')![1]));
    }
    expect(bytes).toBeGreaterThan(0);

    // The whole form travels with any button: five notes of 2,000 Cyrillic characters fit.
    const longNotes = five.appeals.map((appeal): [string, string] => [`note[${appeal.appealId}]`, 'Свобода'.repeat(285).slice(0, 2000)]);
    const signed = await postForm(base, `/sign/${token}`, [...longNotes, ['appealIds', five.appeals[0].appealId]]);
    expect(signed.status).toBe(200);
    expect(signed.html).toContain('You signed 1 appeal');
    console.log(
      `GET /sign/:token, 5 appeals x 2 officials (10 letters + 5 translations), ${Math.round(bytes / 1024)} KiB: ` +
        `server median ${median(server).toFixed(1)} ms (max ${Math.max(...server).toFixed(1)}), round trip median ${median(roundTrip).toFixed(1)} ms`,
    );
  });
});
