import { addAutoSigners, anAppeal, countBy, expectSettledAndExactlyOnce, settled } from './helpers/delivery';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';

/**
 * Every SMTP fault, against a real smtp-server on loopback scripted per scenario. Timings are
 * short so that retries, timeouts and leases play out in seconds.
 */
describe('delivery under SMTP faults', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let scenario = 0;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('faults', {
      SMTP_URL: sink.url,
      RETRY_DELAY_MS: '50',
      // These scenarios are about the replies and the attempt bound; the time bound has its own test (delivery-restarts).
      RETRY_WINDOW_MINUTES: '0',
      SMTP_TIMEOUT_SECONDS: '1',
      DELIVERY_LEASE_SECONDS: '3',
      RECONCILE_SECONDS: '1',
      SMTP_POOL_SIZE: '3',
    });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  /** A fresh appeal with its own members and officials; the sink forgets earlier scenarios. */
  async function launch(members: number, officials: Record<string, unknown>[]) {
    scenario += 1;
    sink.messages.length = 0;
    sink.receptions.clear();
    await app.db.query(`UPDATE supporters SET auto_sign = false`);
    await addAutoSigners(app.db, members, `s${scenario}`);
    return anAppeal(app.api, app.adminToken, officials);
  }

  it('421 at first: every letter is retried and sent exactly once', async () => {
    sink.reply = (_message, attempt) => (attempt === 1 ? { code: 421, message: '421 4.3.2 Service not available, closing channel' } : { accept: true });
    const { appealId } = await launch(30, [{ email: 'busy@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    expect(countBy(letters)).toEqual({ sent: 30 });
    expect(letters.every((letter) => letter.attempts === 2)).toBe(true);
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('451 for ever: letters fail with the reply once their attempts run out, the others go', async () => {
    sink.reply = (message) => (message.to[0] === 'greylist@tj-gov.example' ? { code: 451, message: '451 4.7.1 Greylisted, try again later' } : { accept: true });
    const { appealId, officials } = await launch(10, [{ email: 'greylist@tj-gov.example' }, { email: 'open@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    const greylisted = letters.filter((letter) => letter.official_id === officials[0].id);
    expect(countBy(greylisted)).toEqual({ failed: 10 });
    for (const letter of greylisted) {
      expect(letter.attempts).toBe(5);
      expect(letter.last_error).toContain('451 4.7.1 Greylisted');
    }
    expect(countBy(letters.filter((letter) => letter.official_id === officials[1].id))).toEqual({ sent: 10 });
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('550: the letter fails at once, the address is suppressed, and later letters are not sent to it', async () => {
    sink.reply = (message) => (message.to[0] === 'gone@tj-gov.example' ? { code: 550, message: '550 5.1.1 Mailbox unavailable' } : { accept: true });
    const { appealId, officials } = await launch(40, [{ email: 'gone@tj-gov.example' }, { email: 'here@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    const refused = letters.filter((letter) => letter.official_id === officials[0].id);
    expect(countBy(refused)).toEqual({ failed: 40 });
    expect(refused.every((letter) => letter.attempts === 1)).toBe(true);
    const answered550 = refused.filter((letter) => letter.last_error?.includes('550 5.1.1'));
    const suppressed = refused.filter((letter) => letter.last_error?.includes('suppressed'));
    expect(answered550.length + suppressed.length).toBe(40);
    // Only letters already in flight when the first 550 came reached the server.
    expect(suppressed.length).toBeGreaterThan(0);
    const reachedServer = [...sink.receptions.keys()].filter((id) => refused.some((letter) => letter.id === id)).length;
    expect(reachedServer).toBe(answered550.length);
    const { rows } = await app.db.query(`SELECT address, reason FROM suppressions WHERE address = 'gone@tj-gov.example'`);
    expect(rows).toEqual([{ address: 'gone@tj-gov.example', reason: expect.stringContaining('550 5.1.1') }]);
    expect(countBy(letters.filter((letter) => letter.official_id === officials[1].id))).toEqual({ sent: 40 });
    expectSettledAndExactlyOnce(letters, sink);

    // A later appeal to the suppressed address sends it nothing.
    sink.receptions.clear();
    await app.db.query(`UPDATE supporters SET auto_sign = false`);
    await addAutoSigners(app.db, 3, `s${scenario}b`);
    const later = await anAppeal(app.api, app.adminToken, [{ email: 'Gone@tj-gov.example' }]);
    const laterLetters = await settled(app.db, later.appealId);
    expect(countBy(laterLetters)).toEqual({ failed: 3 });
    expect(laterLetters.every((letter) => letter.last_error?.includes('suppressed'))).toBe(true);
    expect(sink.receptions.size).toBe(0);
  });

  it('the server hangs up after the data: the letter is unknown and never resent', async () => {
    sink.reply = (message) => (message.to[0] === 'drops@tj-gov.example' ? { close: true } : { accept: true });
    const { appealId, officials } = await launch(6, [{ email: 'drops@tj-gov.example' }, { email: 'fine@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    const dropped = letters.filter((letter) => letter.official_id === officials[0].id);
    expect(countBy(dropped)).toEqual({ unknown: 6 });
    for (const letter of dropped) {
      expect(letter.last_error).toContain('no reply after the message was sent');
      expect(sink.receptions.get(letter.id)).toBe(1);
    }
    expect(countBy(letters.filter((letter) => letter.official_id === officials[1].id))).toEqual({ sent: 6 });
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('the server never answers the data: the letter times out as unknown and is never resent', async () => {
    sink.reply = (message) => (message.to[0] === 'silent@tj-gov.example' ? { hang: true } : { accept: true });
    const { appealId, officials } = await launch(4, [{ email: 'silent@tj-gov.example' }, { email: 'talks@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    const silent = letters.filter((letter) => letter.official_id === officials[0].id);
    expect(countBy(silent)).toEqual({ unknown: 4 });
    for (const letter of silent) {
      expect(letter.last_error).toMatch(/no reply after the message was sent \(ETIMEDOUT/);
      expect(sink.receptions.get(letter.id)).toBe(1);
    }
    expect(countBy(letters.filter((letter) => letter.official_id === officials[1].id))).toEqual({ sent: 4 });
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('stats agree with the letters after all of it', async () => {
    const { rows } = await app.db.query<{ status: string; count: number }[]>(`SELECT status, count(*)::int AS count FROM letters GROUP BY status ORDER BY status`);
    const { rows: rolled } = await app.db.query<{ status: string; count: number }[]>(`SELECT status, sum(count)::int AS count FROM letter_counts GROUP BY status HAVING sum(count) <> 0 ORDER BY status`);
    expect(rolled).toEqual(rows);
  });
});
