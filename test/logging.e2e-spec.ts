import { aMember, aMonth, aCoordinator, aCycle, memberTokens } from './browser/helpers/month';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/** Waits until the condition holds. */
const until = (condition: () => boolean, what: string) => waitFor(async () => (condition() ? true : undefined), () => what);

/** Captures everything qalam writes to stdout while the spec runs. */
function captureStdout() {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    lines: () => chunks.join('').split('\n').filter((line) => line.trim() !== ''),
    restore: () => {
      process.stdout.write = original;
    },
  };
}

describe('JSON logs with request ids', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let stdout: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    stdout = captureStdout();
    sink = await new SmtpSink().start();
    app = await startTestApp('logging', { SMTP_URL: sink.url, LOG_LEVEL: 'verbose' });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
    stdout?.restore();
  });

  it('writes one JSON object a line, with the request id echoed in X-Request-Id', async () => {
    const response = await fetch(`${app.api.baseUrl}/api/cases?limit=5`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    await until(() => stdout.lines().some((line) => line.includes(requestId!)), 'the request log line');
    for (const line of stdout.lines()) {
      const parsed = JSON.parse(line);
      expect(typeof parsed.time).toBe('string');
      expect(typeof parsed.level).toBe('string');
      expect(parsed).toHaveProperty('message');
      expect(parsed).toHaveProperty('context');
    }
    const mine = stdout.lines().map((line) => JSON.parse(line)).filter((line) => line.requestId === requestId);
    const requestLine = mine.find((line) => line.context === 'HTTP');
    expect(requestLine.params).toMatchObject({ method: 'GET', route: '/api/cases', status: 200 });
    expect(typeof requestLine.params.durationMs).toBe('number');
    expect(JSON.stringify(requestLine)).not.toContain('limit=5');

    // A valid incoming id is kept; an unsafe one is replaced.
    const kept = await fetch(`${app.api.baseUrl}/health`, { headers: { 'x-request-id': 'upstream-id-12345' } });
    expect(kept.headers.get('x-request-id')).toBe('upstream-id-12345');
    const replaced = await fetch(`${app.api.baseUrl}/health`, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs the route pattern of /sign/:token, and no member name or email while signing and delivering', async () => {
    const coordinator = await aCoordinator(app.api, app.adminToken, 'logging');
    const month = await aMonth(app.api, coordinator, 1, 'logging');
    const cycleId = await aCycle(app.api, coordinator, month.appeals.map((a) => a.appealId));
    const member = await aMember(app.api, coordinator, { name: 'Zebulon Quartermaine Loggins', email: 'zebulon.loggins@members.example' });
    const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
    const before = stdout.lines().length;

    const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
    expect(page.status).toBe(200);
    const requestId = page.headers.get('x-request-id')!;
    const posted = await fetch(`${app.api.baseUrl}/sign/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.api.baseUrl },
      body: new URLSearchParams([['appealIds', 'all'], [`signatureStyle[${month.appeals[0].appealId}]`, 'full']]).toString(),
    });
    expect(posted.status).toBe(200);
    const officials = month.appeals.flatMap((a) => a.officials);
    await until(() => sink.messages.length >= officials.length, 'the letters');
    expect(sink.messages.length).toBeGreaterThanOrEqual(officials.length);

    await until(() => stdout.lines().some((line) => line.includes(requestId)), 'the sign request log line');
    const lines = stdout.lines().slice(before);
    const signLine = lines.map((line) => JSON.parse(line)).find((line) => line.requestId === requestId && line.context === 'HTTP');
    expect(signLine.params.route).toBe('/sign/:token');
    const text = lines.join('\n');
    expect(text).not.toContain(token);
    for (const secret of [member.email, member.name, 'Zebulon', 'Loggins', 'zebulon.loggins']) expect(text).not.toContain(secret);
  });
});
