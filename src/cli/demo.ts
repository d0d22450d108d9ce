import 'reflect-metadata';
import { rm } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppealsService } from '../appeals/appeals.service';
import { createQalam } from '../app';
import { CasesService } from '../cases/cases.service';
import { ConfigError, QalamConfig } from '../config/config';
import { configFromEnvironment } from '../config/env';
import { DEMO_CITIES, DEMO_FIRST_NAMES, DEMO_LAST_NAMES, SEED_CASES, SEED_OFFICIALS } from '../demo/seed-data';
import { LETTERS_QUEUE } from '../delivery/jobs';
import { redisConnection } from '../common/redis-connection';
import { goesByEmail } from '../letters/letter-channel';
import { OfficialsService } from '../officials/officials.service';
import { PrintRunsService } from '../print/print-runs.service';
import { TemplatesService } from '../templates/templates.service';

const MEMBERS = 1000;
/** Share of demo members who pre-authorise every letter; the others sign one by one. */
const AUTO_SIGN_SHARE = 0.8;
const NOTES = [
  'I read about this case in my local group and I cannot stay silent.',
  'Journalism is not a crime. Please let this person go home to their family.',
  'I ask you to act with mercy and according to your own laws.',
];

/** The demo's admin, unless ADMIN_EMAIL and ADMIN_PASSWORD name another. */
const DEMO_ADMIN = { email: 'admin@demo.example', password: 'demo-admin-password' };

/** The return address of the demo's printed letters, unless ORG_POSTAL_ADDRESS names one. */
const DEMO_RETURN_ADDRESS = 'Letter-writing group\n12 Example Street\nLondon N1 9GU\nUnited Kingdom';

/** The demo works in a database and queue of its own, recreated on every run. */
function demoConfig(base: QalamConfig): QalamConfig {
  const url = new URL(base.databaseUrl);
  url.pathname = `/${url.pathname.slice(1) || 'qalam'}_demo`;
  const admin = base.adminEmail && base.adminPassword ? {} : { adminEmail: DEMO_ADMIN.email, adminPassword: DEMO_ADMIN.password };
  return {
    ...base,
    ...admin,
    databaseUrl: url.toString(),
    queuePrefix: `${base.queuePrefix}-demo`,
    outboxDir: `${base.outboxDir}-demo`,
    printDir: `${base.printDir}-demo`,
    orgPostalAddress: base.orgPostalAddress ?? DEMO_RETURN_ADDRESS,
    role: 'all',
    logLevel: 'warn',
  };
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
}

function elapsed(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function main(): Promise<void> {
  const config = demoConfig(configFromEnvironment());
  const db = new URL(config.databaseUrl);
  console.log(`qalam demo: database ${db.pathname.slice(1)} on ${db.host}, queue prefix ${config.queuePrefix}, ${config.smtpUrl ? `SMTP ${new URL(config.smtpUrl).host}` : `outbox ${config.outboxDir}`}`);
  await recreateDatabase(config.databaseUrl);
  if (!config.smtpUrl) await rm(config.outboxDir, { recursive: true, force: true });

  // A queue left by an earlier run would deliver letters of a database that is gone.
  const stale = new Queue(LETTERS_QUEUE, { connection: redisConnection(config.redisUrl), prefix: config.queuePrefix });
  await stale.obliterate({ force: true });
  await stale.close();

  const started = process.hrtime.bigint();
  const qalam = await createQalam(config);
  const { app } = qalam;
  await app.init();
  const appeals = app.get(AppealsService);
  const dataSource = app.get(DataSource);
  console.log(`migrated in ${elapsed(started).toFixed(1)} s`);

  // Seed: officials, cases with their timelines, default templates.
  const officials = app.get(OfficialsService);
  const cases = app.get(CasesService);
  const templates = app.get(TemplatesService);
  const officialIds = new Map<string, string>();
  for (const seed of SEED_OFFICIALS) {
    const { key, ...body } = seed;
    const official = await officials.create({ ...body, salutation: body.salutation ?? undefined, email: body.email ?? undefined, postalAddress: body.postalAddress ?? undefined, maxLettersPerHour: body.maxLettersPerHour ?? undefined });
    officialIds.set(key, official.id);
  }
  const appealTemplateIds = new Map<string, string>();
  // The default templates were installed at boot (DefaultTemplatesInstaller): the demo uses them.
  for (const template of (await templates.list(1, 100)).items) {
    if (template.kind === 'appeal' && !appealTemplateIds.has(template.language)) appealTemplateIds.set(template.language, template.id);
  }

  // A thousand fictional members, in one statement.
  await dataSource.query(
    `INSERT INTO supporters (email, name, country, city, language, auto_sign, signature_style)
     SELECT 'member' || n || '@members.example',
            ($1::text[])[1 + n % array_length($1::text[], 1)] || ' ' || ($2::text[])[1 + (n * 7) % array_length($2::text[], 1)],
            ($3::text[])[1 + n % array_length($3::text[], 1)], ($4::text[])[1 + n % array_length($4::text[], 1)],
            CASE WHEN n % 5 = 0 THEN 'ru' ELSE 'en' END,
            n <= $5, CASE WHEN n % 10 = 0 THEN 'anonymous' WHEN n % 5 = 0 THEN 'initials' ELSE 'full' END
       FROM generate_series(1, $6) AS n`,
    [DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_CITIES.map((c) => c.country), DEMO_CITIES.map((c) => c.city), Math.round(MEMBERS * AUTO_SIGN_SHARE), MEMBERS],
  );

  const appealIds: string[] = [];
  for (const seed of SEED_CASES) {
    const created = await cases.create({ name: seed.name, country: seed.country, profession: seed.profession, status: seed.status, summary: seed.summary, detainedOn: seed.detainedOn ?? undefined, charges: seed.charges ?? undefined, tags: seed.tags, gender: seed.gender, translations: seed.translations });
    for (const event of seed.events) await cases.addEvent(created.id, event);
    const appeal = await appeals.create({
      caseId: created.id,
      title: `Free ${seed.name}`,
      templateIds: [appealTemplateIds.get('en')!, appealTemplateIds.get('ru')!],
      officialIds: seed.officialKeys.map((key) => officialIds.get(key)!),
      // Email where the official has an address, else on paper (the month's print run below).
      channel: seed.officialKeys.some((key) => SEED_OFFICIALS.find((official) => official.key === key)?.email === null) ? 'email-then-post' : 'email',
    });
    appealIds.push(appeal.id);
  }
  console.log(`seeded ${SEED_CASES.length} cases, ${SEED_OFFICIALS.length} officials, ${MEMBERS} members in ${elapsed(started).toFixed(1)} s`);

  // Launch: every auto-sign member signs at once; the others sign one by one, some with a note.
  const launchStarted = process.hrtime.bigint();
  for (const id of appealIds) await appeals.transition(id, 'launch');
  const launchSeconds = elapsed(launchStarted);
  const manual = await dataSource.query<{ id: string }[]>(`SELECT id FROM supporters WHERE NOT auto_sign ORDER BY email`);
  for (const [index, { id }] of manual.entries()) {
    for (const appealId of appealIds) {
      await appeals.sign({ id, role: 'member' }, appealId, index % 4 === 0 ? { note: NOTES[index % NOTES.length] } : {});
    }
  }
  const [{ total }] = await dataSource.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM letters`);
  console.log(`launched ${appealIds.length} appeals: ${total} letters created and enqueued (auto-sign fan-out ${launchSeconds.toFixed(2)} s)`);

  // Deliver: wait until every letter has gone, except those an official's pace holds back
  // (they wait in delayed jobs, across appeals, and go as the hour allows).
  for (;;) {
    const [{ pending }] = await dataSource.query<{ pending: number }[]>(
      `SELECT count(*)::int AS pending FROM letters l JOIN officials o ON o.id = l.official_id
        JOIN appeals a ON a.id = l.appeal_id
        WHERE l.status = 'sending' OR (l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')} AND o.max_letters_per_hour IS NULL AND o.office_hours_start IS NULL)`,
    );
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deliverySeconds = elapsed(launchStarted);
  const [{ first, last }] = await dataSource.query<{ first: Date; last: Date }[]>(`SELECT min(sent_at) AS first, max(sent_at) AS last FROM letters WHERE status = 'sent'`);

  const rows = await dataSource.query<{ name: string; status: string; count: number }[]>(
    `SELECT c.name, l.status, count(*)::int AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id GROUP BY c.name, l.status ORDER BY c.name, l.status`,
  );
  const table = new Map<string, Record<string, number>>();
  const statuses = [...new Set(rows.map((row) => row.status))].sort();
  for (const row of rows) table.set(row.name, { ...(table.get(row.name) ?? {}), [row.status]: row.count });
  console.log('\nLetters per case and status:');
  console.table(Object.fromEntries([...table].map(([name, counts]) => [name, Object.fromEntries(statuses.map((s) => [s, counts[s] ?? 0]))])));
  const sentSpan = first && last ? (new Date(last).getTime() - new Date(first).getTime()) / 1000 : 0;
  const [{ sent }] = await dataSource.query<{ sent: number }[]>(`SELECT count(*)::int AS sent FROM letters WHERE status = 'sent'`);
  console.log(`${sent} of ${total} letters for ${MEMBERS} members delivered in ${deliverySeconds.toFixed(1)} s from launch (${(sent / deliverySeconds).toFixed(0)} letters/s end to end; ${sentSpan > 0 ? (sent / sentSpan).toFixed(0) : '-'} letters/s from first to last send)`);
  const [{ paced }] = await dataSource.query<{ paced: number }[]>(
    `SELECT count(*)::int AS paced FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN officials o ON o.id = l.official_id WHERE l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')}`,
  );
  if (paced > 0) console.log(`${paced} letters wait for an official's pace (maxLettersPerHour): they go as the hour allows, not dropped.`);

  // The postal month: the letters to officials without email are printed, one run per appeal.
  const printRuns = app.get(PrintRunsService);
  const admin = await dataSource.query<{ id: string }[]>(`SELECT id FROM supporters WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
  for (const appealId of appealIds) {
    if ((await printRuns.awaiting({ appealId })) === 0) continue;
    const run = await printRuns.start({ id: admin[0].id, role: 'admin' }, { appealId, kind: 'letters' });
    let state = run;
    while (state.status === 'rendering') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await printRuns.get(run.id);
    }
    console.log(`print run ${run.id}: ${state.status}, ${state.letters} letters on ${state.pages} pages in ${config.printDir}/${run.id}/ (${state.files.map((file) => file.name).join(', ')})`);
  }
  console.log(`whole demo: ${elapsed(started).toFixed(1)} s. ${config.smtpUrl ? '' : `Letters are in ${config.outboxDir}/ as .eml files.`}`);
  if (process.argv.includes('--exit') || qalam.kind !== 'http') {
    await app.close();
    return;
  }
  // Then it stays up, so the console and the members' pages can be looked at over the demo's data.
  await qalam.app.listen(config.port);
  console.log(`\nThe staff console: ${config.publicUrl}/login (${config.adminEmail} / ${config.adminEmail === DEMO_ADMIN.email ? DEMO_ADMIN.password : 'ADMIN_PASSWORD'})`);
  console.log(`Joining as a member: ${config.publicUrl}/join · the API: ${config.publicUrl}/api/docs`);
  console.log('Ctrl-C stops the demo (npm run demo -- --exit stops it after the report).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
