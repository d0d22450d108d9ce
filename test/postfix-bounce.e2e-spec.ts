import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { mailTag } from '../src/common/mail/mail-tags';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { freePort } from './helpers/own-servers';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const DOMAIN = 'inbound.test';
const POSTFIX = '/usr/sbin/postfix';

/** An SMTP server that refuses every recipient for good, as a mailbox that does not exist. */
async function refusingSink(): Promise<{ port: number; refused: string[]; stop(): Promise<void> }> {
  const refused: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      refused.push(address.address);
      callback(Object.assign(new Error('5.1.1 <' + address.address + '>: Recipient address rejected: User unknown'), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, refused, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A private Postfix instance in a temporary directory: its own configuration, queue and data
 * directories, smtpd on a free loopback port, no local delivery, everything relayed to
 * `relayPort` except the inbound domain, which goes to qalam's listener.
 */
class PrivatePostfix {
  readonly root = mkdtempSync(join(tmpdir(), 'qalam-postfix-'));
  readonly config = join(this.root, 'conf');
  port = 0;

  async start(relayPort: number, listenerPort: number): Promise<this> {
    this.port = await freePort();
    for (const folder of ['conf', 'queue', 'data']) mkdirSync(join(this.root, folder), { recursive: true });
    // Postfix's daemons run as its mail_owner: they must reach the directories.
    chmodSync(this.root, 0o755);
    const postfixUid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
    chownSync(join(this.root, 'data'), postfixUid, -1);
    writeFileSync(
      join(this.config, 'main.cf'),
      [
        'compatibility_level = 3.6',
        `queue_directory = ${this.root}/queue`,
        `data_directory = ${this.root}/data`,
        'command_directory = /usr/sbin',
        'daemon_directory = /usr/lib/postfix/sbin',
        'meta_directory = /etc/postfix',
        'shlib_directory = /usr/lib/postfix',
        'mail_owner = postfix',
        'setgid_group = postdrop',
        'inet_interfaces = 127.0.0.1',
        'inet_protocols = ipv4',
        'myhostname = mta.qalam.test',
        'mydomain = qalam.test',
        'myorigin = qalam.test',
        'mydestination =',
        'local_recipient_maps =',
        'alias_maps =',
        'alias_database =',
        `relayhost = [127.0.0.1]:${relayPort}`,
        `transport_maps = inline:{ ${DOMAIN}=smtp:[127.0.0.1]:${listenerPort} }`,
        'mynetworks = 127.0.0.0/8',
        'smtpd_relay_restrictions = permit_mynetworks, reject',
        'smtp_tls_security_level = none',
        'smtpd_tls_security_level = none',
        'bounce_queue_lifetime = 1m',
        'maximal_queue_lifetime = 1m',
        'queue_run_delay = 5s',
        'minimal_backoff_time = 5s',
        'maximal_backoff_time = 10s',
        `maillog_file = ${this.root}/maillog`,
        `maillog_file_prefixes = ${this.root}`,
        `syslog_name = qalam-postfix-${this.port}`,
      ].join('\n') + '\n',
    );
    const service = (name: string, type: string, isPrivate: string, wakeup: string, limit: string, command: string) => `${name} ${type} ${isPrivate} - n ${wakeup} ${limit} ${command}`;
    writeFileSync(
      join(this.config, 'master.cf'),
      [
        `127.0.0.1:${this.port} inet n - n - - smtpd`,
        service('pickup', 'unix', 'n', '60', '1', 'pickup'),
        service('cleanup', 'unix', 'n', '-', '0', 'cleanup'),
        service('qmgr', 'unix', 'n', '300', '1', 'qmgr'),
        service('rewrite', 'unix', '-', '-', '-', 'trivial-rewrite'),
        service('bounce', 'unix', '-', '-', '0', 'bounce'),
        service('defer', 'unix', '-', '-', '0', 'bounce'),
        service('trace', 'unix', '-', '-', '0', 'bounce'),
        service('verify', 'unix', '-', '-', '1', 'verify'),
        service('flush', 'unix', 'n', '1000?', '0', 'flush'),
        service('proxymap', 'unix', '-', '-', '-', 'proxymap'),
        service('smtp', 'unix', '-', '-', '-', 'smtp'),
        service('relay', 'unix', '-', '-', '-', 'smtp'),
        service('showq', 'unix', 'n', '-', '-', 'showq'),
        service('error', 'unix', '-', '-', '-', 'error'),
        service('retry', 'unix', '-', '-', '-', 'error'),
        service('discard', 'unix', '-', '-', '-', 'discard'),
        service('anvil', 'unix', '-', '-', '1', 'anvil'),
        service('scache', 'unix', '-', '-', '1', 'scache'),
        'postlog unix-dgram n - n - 1 postlogd',
      ].join('\n') + '\n',
    );
    try {
      execFileSync(POSTFIX, ['-c', this.config, 'start'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`postfix did not start: ${(error as { stderr?: Buffer }).stderr?.toString() ?? ''}\n${this.log()}`);
    }
    return this;
  }

  log(): string {
    const file = join(this.root, 'maillog');
    return existsSync(file) ? readFileSync(file, 'utf8') : '(no maillog)';
  }

  stop(): void {
    try {
      execFileSync(POSTFIX, ['-c', this.config, 'stop'], { stdio: 'pipe' });
    } catch {
      // not running: nothing to stop
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A real MTA's bounce: a letter leaves through Debian's Postfix with the envelope sender
 * `bounce+<tag>@inbound.test`, Postfix relays it to a server that answers 550 5.1.1, writes
 * its own RFC 3464 report to that sender and delivers it to qalam's listener, which marks
 * the letter bounced and suppresses the official's address.
 */
describe('a bounce from a real Postfix', () => {
  let refusing: Awaited<ReturnType<typeof refusingSink>>;
  let postfix: PrivatePostfix | undefined;
  let app: TestApp;

  beforeAll(async () => {
    refusing = await refusingSink();
    const listenerPort = await freePort();
    postfix = await new PrivatePostfix().start(refusing.port, listenerPort);
    // qalam sends its letters through Postfix, with the letter's tagged envelope sender.
    app = await startTestApp('postfix_bounce', { SMTP_URL: `smtp://127.0.0.1:${postfix.port}`, MAIL_FROM: 'letters@qalam.example', INBOUND_DOMAIN: DOMAIN, INBOUND_SMTP_PORT: String(listenerPort), RECONCILE_SECONDS: '1' });
  });

  afterAll(async () => {
    postfix?.stop();
    await app?.close();
    await refusing?.stop();
  });

  it('marks the letter bounced and suppresses the address when Postfix bounces it', async () => {
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    const coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);
    const caseId = (await app.api.post('/api/cases', aCase(), coordinator)).body.id;
    const templateId = (await app.api.post('/api/templates', anAppealTemplate(), coordinator)).body.id;
    const official = (await app.api.post('/api/officials', anOfficial({ email: 'no-such-mailbox@ministry.example' }), coordinator)).body;
    const appeal = (await app.api.post('/api/appeals', { caseId, title: 'Free her', templateIds: [templateId], officialIds: [official.id] }, coordinator)).body;
    expect((await app.api.post(`/api/appeals/${appeal.id}/launch`, undefined, coordinator)).status).toBe(200);
    const member = aSupporter();
    expect((await app.api.post('/api/supporters', member, coordinator)).status).toBe(201);
    expect((await app.api.post(`/api/appeals/${appeal.id}/signatures`, {}, await app.api.login(member.email, member.password))).status).toBe(201);
    // Postfix takes the letter (250: sent), then its relay refuses it and Postfix bounces it to bounce+<tag>.
    const letter = await waitFor(
      async () => (await app.db.query<{ id: string }>(`SELECT id FROM letters WHERE appeal_id = $1 AND status IN ('sent', 'bounced')`, [appeal.id])).rows[0],
      () => 'the letter sent',
    );
    const tag = mailTag(app.config.appSecret, { kind: 'letter', id: letter.id });

    await waitFor(
      async () => ((await app.db.query(`SELECT 1 FROM letters WHERE id = $1 AND status = 'bounced'`, [letter.id])).rowCount ? true : undefined),
      () => `the letter bounced; refused by the sink: ${JSON.stringify(refusing.refused)}; Postfix log:\n${postfix!.log()}`,
      60_000,
    );
    expect(refusing.refused).toContain(official.email);
    // The relay saw qalam's own envelope sender, the tag naming this letter.
    expect(postfix!.log()).toContain(`from=<bounce+${tag}@${DOMAIN}>`);
    const { rows: reports } = await app.db.query(`SELECT kind, status_code, letter_id, official_id FROM inbound_mail`);
    expect(reports).toEqual([{ kind: 'bounce', status_code: '5.1.1', letter_id: letter.id, official_id: official.id }]);
    const { rows: suppressed } = await app.db.query(`SELECT reason FROM suppressions WHERE address = $1`, [official.email]);
    expect(suppressed).toEqual([{ reason: 'bounce 5.1.1' }]);
    const flagged = await app.api.get(`/api/officials/${official.id}`, coordinator);
    expect(flagged.body.flagReason).toBe('bounce 5.1.1');
  });
});
