import { Browserish, csrfOf, FilePart } from './helpers/console';
import { addAutoSigners, anAppeal, lettersOf } from './helpers/delivery';
import { aCase, anOfficial, aSupporter } from './helpers/factories';
import { countRows, tableCounts } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/** The text of the problem shown beside a field (its `<id>-problem` block), '' when none. */
function problemBeside(html: string, id: string): string {
  const match = new RegExp(`<div class="field-problem" id="${id}-problem">([\\s\\S]*?)</div>`).exec(html);
  return match ? match[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : '';
}

/** The value attribute of the input with this id. */
function valueOf(html: string, id: string): string | undefined {
  return new RegExp(`<input[^>]* id="${id}"[^>]* value="([^"]*)"`).exec(html)?.[1];
}

/**
 * The console's cases and officials over HTTP, as a browser without JavaScript posts them:
 * urlencoded forms with `_csrf`, 303 to the new record, 400 with the values kept and each
 * problem beside its field, the timeline, the outcome after its confirmation (appeals
 * closed, queued letters cancelled, thank-yous queued), officials' edit and CSV import.
 */
describe('staff console: cases and officials', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let admin: Browserish;
  const slowOfficial = 'slow@console-cases-gov.example';

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // The slow official's server answers 4xx: its letters go back to queued and wait (a long retry delay).
    sink.reply = (message) => (message.to.includes(slowOfficial) ? { code: 451, message: '4.3.0 Try again later' } : { accept: true });
    app = await startTestApp('console_cases', { SMTP_URL: sink.url, RETRY_DELAY_MS: '600000' });
    admin = new Browserish(app.api.baseUrl);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  const formToken = async (path: string) => csrfOf((await admin.get(path)).body);

  it('creates a case through the form: 303 to its page, every field in Postgres, translations and gender included', async () => {
    const _csrf = await formToken('/console/cases/new');
    const created = await admin.post('/console/cases', {
      _csrf,
      name: 'Farrukh Ikromov',
      country: 'tj',
      profession: 'poet',
      status: 'detained',
      summary: 'Poet detained for a poem read at a wedding.',
      detainedOn: '2025-03-02',
      charges: 'Insulting the president',
      tags: ['poet', '', 'writer'],
      gender: 'male',
      'translations[ru][name]': 'Фаррух Икромов',
      'translations[ru][profession]': 'поэт',
      translationLanguage: 'tg',
      'translations[other][name]': 'Фаррух Икромов',
    });
    expect(created.status).toBe(303);
    const id = /^\/console\/cases\/([0-9a-f-]{36})$/.exec(created.location ?? '')?.[1];
    expect(id).toBeDefined();
    const { rows } = await app.db.query(`SELECT name, country, profession, status, summary, detained_on::text AS "detainedOn", charges, tags, gender, translations FROM cases WHERE id = $1`, [id]);
    expect(rows).toEqual([
      {
        name: 'Farrukh Ikromov',
        country: 'TJ',
        profession: 'poet',
        status: 'detained',
        summary: 'Poet detained for a poem read at a wedding.',
        detainedOn: '2025-03-02',
        charges: 'Insulting the president',
        tags: ['poet', 'writer'],
        gender: 'male',
        translations: { ru: { name: 'Фаррух Икромов', profession: 'поэт' }, tg: { name: 'Фаррух Икромов' } },
      },
    ]);
    const page = await admin.get(created.location!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Farrukh Ikromov</h1>');
    const list = await admin.get('/console/cases?search=ikrom&status=detained&country=tj');
    expect(list.status).toBe(200);
    expect(list.body).toContain(`data-case-id="${id}"`);
    const other = await admin.get('/console/cases?search=ikrom&status=released');
    expect(other.body).not.toContain(`data-case-id="${id}"`);
  });

  it('refuses a case with a bad country: 400, the form again with the values kept, the problem beside the field, nothing written', async () => {
    const before = await countRows(app.db, 'cases');
    const _csrf = await formToken('/console/cases/new');
    const refused = await admin.post('/console/cases', { _csrf, name: 'Kept Name', country: 'Tajikistan', status: 'detained', summary: 'Kept summary', detainedOn: 'yesterday' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('<form method="post" action="/console/cases"');
    expect(valueOf(refused.body, 'name')).toBe('Kept Name');
    expect(valueOf(refused.body, 'country')).toBe('Tajikistan');
    expect(refused.body).toContain('>Kept summary</textarea>');
    expect(problemBeside(refused.body, 'country')).toBe('Enter the country as a two-letter code, such as TJ.');
    expect(problemBeside(refused.body, 'detainedOn')).toBe('Enter the date as year-month-day, such as 2024-05-14.');
    expect(problemBeside(refused.body, 'name')).toBe('');
    expect(refused.body).toMatch(/<input type="text" id="country"[^>]*aria-describedby="country-hint country-problem"[^>]*aria-invalid="true"/);
    await expect(countRows(app.db, 'cases')).resolves.toBe(before);
  });

  it('adds a timeline event with its source, refuses one without a date, and edits the case (an emptied field cleared)', async () => {
    const created = await app.api.post('/api/cases', aCase({ name: 'Timeline Person', gender: 'female', translations: { ru: { name: 'Персона' } } }), app.adminToken);
    const id = created.body.id as string;
    let _csrf = await formToken(`/console/cases/${id}`);
    const added = await admin.post(`/console/cases/${id}/events`, { _csrf, occurredOn: '2025-01-10', kind: 'arrest', description: 'Detained at the airport.', sourceUrl: 'https://example.org/report' });
    expect({ status: added.status, location: added.location }).toEqual({ status: 303, location: `/console/cases/${id}?done=event#timeline` });
    await expect(app.db.query(`SELECT occurred_on::text AS "occurredOn", kind, description, source_url AS "sourceUrl" FROM case_events WHERE case_id = $1`, [id]).then((r) => r.rows)).resolves.toEqual([
      { occurredOn: '2025-01-10', kind: 'arrest', description: 'Detained at the airport.', sourceUrl: 'https://example.org/report' },
    ]);
    const refused = await admin.post(`/console/cases/${id}/events`, { _csrf, occurredOn: '', kind: 'trial', description: 'Trial opened.', sourceUrl: 'not a url' });
    expect(refused.status).toBe(400);
    expect(problemBeside(refused.body, 'event-occurredOn')).toBe('Enter the date as year-month-day, such as 2024-05-14.');
    expect(problemBeside(refused.body, 'event-sourceUrl')).toContain('https://');
    expect(valueOf(refused.body, 'event-kind')).toBe('trial');
    await expect(countRows(app.db, 'case_events', 'case_id = $1', [id])).resolves.toBe(1);

    const page = await admin.get(`/console/cases/${id}`);
    expect(page.body).toContain('https://example.org/report');
    _csrf = csrfOf(page.body);
    const edited = await admin.post(`/console/cases/${id}`, {
      _csrf,
      name: 'Timeline Person',
      country: 'UZ',
      profession: '',
      status: 'on-trial',
      summary: 'A new summary.',
      detainedOn: '2024-11-01',
      charges: '',
      tags: ['journalist', 'blogger'],
      gender: '',
      'translations[ru][name]': '',
      'translations[ru][summary]': 'Новое описание.',
    });
    expect({ status: edited.status, location: edited.location }).toEqual({ status: 303, location: `/console/cases/${id}?done=saved` });
    const { rows } = await app.db.query(`SELECT country, profession, status, summary, charges, tags, gender, translations FROM cases WHERE id = $1`, [id]);
    expect(rows).toEqual([{ country: 'UZ', profession: null, status: 'on-trial', summary: 'A new summary.', charges: null, tags: ['journalist', 'blogger'], gender: null, translations: { ru: { summary: 'Новое описание.' } } }]);

    // An outcome is not set by the edit form: it has its confirmation.
    const outcome = await admin.post(`/console/cases/${id}`, { _csrf, name: 'Timeline Person', country: 'UZ', status: 'released', summary: 'A new summary.' });
    expect(outcome.status).toBe(400);
    expect(problemBeside(outcome.body, 'status')).toContain('Mark an outcome');
    await expect(app.db.query(`SELECT status FROM cases WHERE id = $1`, [id]).then((r) => r.rows[0].status)).resolves.toBe('on-trial');
  });

  it('marks an outcome after a confirmation that says what it will do: appeals closed, queued letters cancelled, thank-yous queued', async () => {
    await addAutoSigners(app.db, 3, 'console-cases');
    const appeal = await anAppeal(app.api, app.adminToken, [{ email: 'accepts@console-cases-gov.example' }, { email: slowOfficial }]);
    // 3 letters sent to the accepting official, 3 back in the queue for the slow one.
    await waitFor(
      async () => {
        const letters = await lettersOf(app.db, appeal.appealId);
        const sent = letters.filter((letter) => letter.status === 'sent').length;
        const waiting = letters.filter((letter) => letter.status === 'queued' && letter.attempts > 0).length;
        return sent === 3 && waiting === 3 ? letters : undefined;
      },
      async () => JSON.stringify((await lettersOf(app.db, appeal.appealId)).map((letter) => letter.status)),
      60_000,
    );
    const confirmation = await admin.get(`/console/cases/${appeal.caseId}/outcome?status=released`);
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain('1 open appeal will be closed.');
    expect(confirmation.body).toContain('3 letters still waiting to be sent will be cancelled.');
    expect(confirmation.body).toContain('3 supporters who wrote will get a thank-you email.');
    // The confirmation changed nothing.
    await expect(app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appeal.appealId]).then((r) => r.rows[0].status)).resolves.toBe('open');

    const marked = await admin.post(`/console/cases/${appeal.caseId}/outcome`, { _csrf: csrfOf(confirmation.body), status: 'released' });
    expect({ status: marked.status, location: marked.location }).toEqual({ status: 303, location: `/console/cases/${appeal.caseId}?done=outcome` });
    await expect(app.db.query(`SELECT status FROM cases WHERE id = $1`, [appeal.caseId]).then((r) => r.rows[0].status)).resolves.toBe('released');
    await expect(app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appeal.appealId]).then((r) => r.rows[0].status)).resolves.toBe('closed');
    const letters = await lettersOf(app.db, appeal.appealId);
    expect(letters.filter((letter) => letter.status === 'cancelled')).toHaveLength(3);
    await expect(countRows(app.db, 'case_outcome_mails', 'case_id = $1', [appeal.caseId])).resolves.toBe(3);

    const again = await admin.get(`/console/cases/${appeal.caseId}/outcome?status=released`);
    expect(again.body).toContain('already marked');
    expect(again.body).not.toContain('action="/console/cases/');
  });

  it('creates, refuses and edits an official: every field, pace and office hours included', async () => {
    const _csrf = await formToken('/console/officials/new');
    const before = await countRows(app.db, 'officials');
    const refused = await admin.post('/console/officials', { _csrf, name: 'Kept Official', title: 'Minister', country: 'TJ', email: '', postalAddress: '', language: 'ru', maxLettersPerHour: 'ten', officeHoursStart: '09:00' });
    expect(refused.status).toBe(400);
    expect(valueOf(refused.body, 'name')).toBe('Kept Official');
    expect(problemBeside(refused.body, 'email')).toContain('postal address');
    expect(problemBeside(refused.body, 'maxLettersPerHour')).toContain('whole number');
    expect(problemBeside(refused.body, 'officeHoursEnd')).toContain('closing time');
    await expect(countRows(app.db, 'officials')).resolves.toBe(before);

    const created = await admin.post('/console/officials', {
      _csrf,
      name: 'Emomali Court',
      title: 'Chairman',
      salutation: 'Dear Chairman',
      organisation: 'Supreme Court',
      country: 'tj',
      email: '',
      postalAddress: 'Supreme Court\n1 Rudaki Avenue\nDushanbe 734025',
      language: 'ru',
      timezone: 'Asia/Dushanbe',
      maxLettersPerHour: '12',
      officeHoursStart: '09:00',
      officeHoursEnd: '17:30',
      officeDays: ['1', '2', '3', '4', '5'],
    });
    expect(created.status).toBe(303);
    const id = /^\/console\/officials\/([0-9a-f-]{36})$/.exec(created.location ?? '')?.[1];
    const select = `SELECT name, title, salutation, organisation, country, email, postal_address AS "postalAddress", language, timezone, max_letters_per_hour AS "maxLettersPerHour",
                           office_hours_start::text AS "start", office_hours_end::text AS "end", office_days AS "days" FROM officials WHERE id = $1`;
    await expect(app.db.query(select, [id]).then((r) => r.rows)).resolves.toEqual([
      { name: 'Emomali Court', title: 'Chairman', salutation: 'Dear Chairman', organisation: 'Supreme Court', country: 'TJ', email: null, postalAddress: 'Supreme Court\n1 Rudaki Avenue\nDushanbe 734025', language: 'ru', timezone: 'Asia/Dushanbe', maxLettersPerHour: 12, start: '09:00:00', end: '17:30:00', days: [1, 2, 3, 4, 5] },
    ]);
    const page = await admin.get(created.location!);
    expect(valueOf(page.body, 'officeHoursStart')).toBe('09:00');
    const edited = await admin.post(created.location!, { _csrf: csrfOf(page.body), name: 'Emomali Court', title: 'Chairman', country: 'TJ', email: 'court@gov.example', postalAddress: '', language: 'ru', timezone: '', maxLettersPerHour: '', officeHoursStart: '', officeHoursEnd: '', officeDays: '6' });
    expect({ status: edited.status, location: edited.location }).toEqual({ status: 303, location: `${created.location}?done=saved` });
    await expect(app.db.query(select, [id]).then((r) => r.rows)).resolves.toEqual([
      { name: 'Emomali Court', title: 'Chairman', salutation: null, organisation: null, country: 'TJ', email: 'court@gov.example', postalAddress: null, language: 'ru', timezone: null, maxLettersPerHour: null, start: null, end: null, days: [6] },
    ]);
    const listed = await admin.get('/console/officials?search=supreme');
    expect(listed.status).toBe(200);
    const unreachable = await admin.post(created.location!, { _csrf: csrfOf(page.body), name: 'Emomali Court', title: 'Chairman', country: 'TJ', email: '', postalAddress: '', language: 'ru' });
    expect(unreachable.status).toBe(400);
    expect(problemBeside(unreachable.body, 'email')).toContain('postal address');
    await expect(app.db.query(`SELECT email FROM officials WHERE id = $1`, [id]).then((r) => r.rows[0].email)).resolves.toBe('court@gov.example');
  });

  it('imports officials from CSV with a report by line: created, updated, and a bad line named', async () => {
    const existing = await app.api.post('/api/officials', anOfficial({ email: 'known@import-gov.example', title: 'Old title' }), app.adminToken);
    expect(existing.status).toBe(201);
    const csv = [
      'name,title,country,email,language,maxLettersPerHour,officeDays',
      'New One,Ombudsman,TJ,new-one@import-gov.example,ru,5,"1,2,3"',
      'Known,New title,TJ,KNOWN@import-gov.example,en,,',
      'Bad Line,Minister,Tajikistan,bad@import-gov.example,ru,,',
    ].join('\n');
    const _csrf = await formToken('/console/officials/import');
    const imported = await admin.post('/console/officials/import', { _csrf, csv });
    expect(imported.status).toBe(200);
    expect(imported.body).toContain('data-created="1" data-updated="1" data-errors="1"');
    expect(imported.body).toMatch(/<tr data-line="4"><td>4<\/td><td>country must be an ISO 3166-1 alpha-2 code<\/td><\/tr>/);
    await expect(app.db.query(`SELECT title FROM officials WHERE id = $1`, [existing.body.id]).then((r) => r.rows[0].title)).resolves.toBe('New title');
    await expect(app.db.query(`SELECT max_letters_per_hour AS pace, office_days AS days FROM officials WHERE email = 'new-one@import-gov.example'`).then((r) => r.rows)).resolves.toEqual([{ pace: 5, days: [1, 2, 3] }]);
    await expect(countRows(app.db, 'officials', `email = 'bad@import-gov.example'`)).resolves.toBe(0);
    // The import is in the audit log, under the admin who made it, with its counts.
    await expect(app.db.query(`SELECT a.detail FROM audit_log a JOIN supporters s ON s.id = a.actor_id WHERE a.action = 'officials.import' AND s.email = $1`, [ADMIN.email]).then((r) => r.rows)).resolves.toEqual([
      { detail: { created: 1, updated: 1, skipped: 0, errors: 1 } },
    ]);

    // The API route runs the same import.
    const api = await fetch(`${app.api.baseUrl}/api/officials/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${app.adminToken}` }, body: 'name,title,country,language,nickname\nA,B,TJ,ru,x' });
    expect(api.status).toBe(400);
    const header = await admin.post('/console/officials/import', { _csrf, csv: 'name,title,nickname\nA,B,x' });
    expect(header.status).toBe(400);
    expect(problemBeside(header.body, 'csv')).toContain('unknown columns: nickname');
  });

  it('imports officials from an uploaded CSV file through the same import: the report by line, the rows written', async () => {
    const page = await admin.get('/console/officials/import');
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(/<input type="file" id="csv-file" name="csvFile"/);
    // As Excel on Windows saves and declares it: a byte-order mark, CRLF line ends, application/vnd.ms-excel.
    const csv = '\uFEFF' + ['name,title,country,email,language', 'File One,Prosecutor,TJ,file-one@upload-gov.example,ru', 'File Bad,Judge,Narnia,file-bad@upload-gov.example,ru', 'File Two,Judge,TJ,file-two@upload-gov.example,en'].join('\r\n');
    const imported = await admin.postMultipart('/console/officials/import', [
      ['_csrf', csrfOf(page.body)],
      ['csv', ''],
      ['csvFile', { content: csv, filename: 'officials.csv', type: 'application/vnd.ms-excel' }],
    ]);
    expect(imported.status).toBe(200);
    expect(imported.body).toContain('data-created="2" data-updated="0" data-errors="1"');
    expect(imported.body).toMatch(/<tr data-line="3"><td>3<\/td><td>country must be an ISO 3166-1 alpha-2 code<\/td><\/tr>/);
    await expect(countRows(app.db, 'officials', `email IN ('file-one@upload-gov.example', 'file-two@upload-gov.example')`)).resolves.toBe(2);
    await expect(countRows(app.db, 'officials', `email = 'file-bad@upload-gov.example'`)).resolves.toBe(0);

    // The text pasted in the same form, no file chosen (the empty part a browser sends then).
    const pasted = await admin.postMultipart('/console/officials/import', [
      ['_csrf', csrfOf(page.body)],
      ['csv', 'name,title,country,email,language\nPaste One,Judge,TJ,paste-one@upload-gov.example,ru'],
      ['csvFile', { content: '', filename: '', type: 'application/octet-stream' }],
    ]);
    expect(pasted.status).toBe(200);
    expect(pasted.body).toContain('data-created="1" data-updated="0" data-errors="0"');
    await expect(countRows(app.db, 'officials', `email = 'paste-one@upload-gov.example'`)).resolves.toBe(1);

    // A file whose header the import refuses: said beside the file.
    const header = await admin.postMultipart('/console/officials/import', [
      ['_csrf', csrfOf(page.body)],
      ['csvFile', { content: 'name,title,nickname\nA,B,x', filename: 'officials.csv', type: 'text/csv' }],
    ]);
    expect(header.status).toBe(400);
    expect(problemBeside(header.body, 'csv-file')).toContain('unknown columns: nickname');
    expect(header.body).toContain('<a href="#csv-file">');
  });

  it('refuses an upload that is no CSV, too large, or given with pasted text: 400 with the form, the problem beside the file, nothing written', async () => {
    const page = await admin.get('/console/officials/import');
    const _csrf = csrfOf(page.body);
    const header = 'name,title,country,email,language\n';
    // 2 MB is the limit: 50,000 good rows are past it.
    const large = header + Array.from({ length: 50_000 }, (_, index) => `Large ${index},Judge,TJ,large-${index}@upload-gov.example,ru`).join('\n');
    expect(Buffer.byteLength(large)).toBeGreaterThan(2 * 1024 * 1024);
    const uploads: Record<string, [FilePart, string]> = {
      picture: [{ content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), filename: 'officials.png', type: 'image/png' }, 'not CSV text'],
      spreadsheet: [{ content: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0]), filename: 'officials.csv', type: 'text/csv' }, 'not CSV text'],
      // The header, then "Имя" in Windows-1251: not UTF-8.
      windows1251: [{ content: new Uint8Array([...Buffer.from(header), 0xc8, 0xec, 0xff, 0x0a]), filename: 'officials.csv', type: 'text/csv' }, 'not CSV text'],
      tooLarge: [{ content: large, filename: 'officials.csv', type: 'text/csv' }, 'larger than 2 MB'],
    };
    const before = await tableCounts(app.db);
    for (const [name, [file, problem]] of Object.entries(uploads)) {
      const refused = await admin.postMultipart('/console/officials/import', [['_csrf', _csrf], ['csvFile', file]]);
      expect(`${name} ${refused.status}`).toBe(`${name} 400`);
      expect({ name, problem: problemBeside(refused.body, 'csv-file') }).toEqual({ name, problem: expect.stringContaining(problem) });
      expect(refused.body).toContain('<a href="#csv-file">');
      expect(refused.body).toContain('<form method="post" action="/console/officials/import" enctype="multipart/form-data"');
    }
    const both = await admin.postMultipart('/console/officials/import', [
      ['_csrf', _csrf],
      ['csv', `${header}Both One,Judge,TJ,both-one@upload-gov.example,ru`],
      ['csvFile', { content: `${header}Both Two,Judge,TJ,both-two@upload-gov.example,ru`, filename: 'officials.csv', type: 'text/csv' }],
    ]);
    expect(both.status).toBe(400);
    expect(problemBeside(both.body, 'csv-file')).toContain('either the text or the file');
    expect(both.body).toContain('Both One,Judge,TJ,both-one@upload-gov.example,ru</textarea>');
    await expect(tableCounts(app.db)).resolves.toEqual(before);
  });

  it('refuses a multipart import without _csrf, with a bad one, with the token after the file, or from another origin: 403, nothing written', async () => {
    const page = await admin.get('/console/officials/import');
    const _csrf = csrfOf(page.body);
    const forged = 'Forged,Judge,TJ,forged@upload-gov.example,ru';
    const file: FilePart = { content: `name,title,country,email,language\n${forged}\n`, filename: 'officials.csv', type: 'text/csv' };
    // A large file too: refused before it is read, and the connection is not left hanging.
    const large: FilePart = { content: `name,title,country,email,language\n${`${forged}\n`.repeat(30_000)}`, filename: 'officials.csv', type: 'text/csv' };
    const tampered = _csrf.slice(0, -4) + (_csrf.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const before = await tableCounts(app.db);
    const path = '/console/officials/import';
    const statuses = {
      noToken: (await admin.postMultipart(path, [['csvFile', file]])).status,
      noTokenLarge: (await admin.postMultipart(path, [['csvFile', large]])).status,
      badToken: (await admin.postMultipart(path, [['_csrf', tampered], ['csvFile', file]])).status,
      tokenAfterFile: (await admin.postMultipart(path, [['csvFile', file], ['_csrf', _csrf]])).status,
      otherOrigin: (await admin.postMultipart(path, [['_csrf', _csrf], ['csvFile', file]], { origin: 'https://forms.attacker.example' })).status,
      pasteOtherOrigin: (await admin.postMultipart(path, [['_csrf', _csrf], ['csv', file.content as string]], { origin: 'https://forms.attacker.example' })).status,
    };
    expect(statuses).toEqual({ noToken: 403, noTokenLarge: 403, badToken: 403, tokenAfterFile: 403, otherOrigin: 403, pasteOtherOrigin: 403 });
    await expect(tableCounts(app.db)).resolves.toEqual(before);
    // The same token from our own page, in the same session, is taken.
    const taken = await admin.postMultipart(path, [['_csrf', _csrf], ['csvFile', file]], { origin: app.api.baseUrl });
    expect(taken.status).toBe(200);
    await expect(countRows(app.db, 'officials', `email = 'forged@upload-gov.example'`)).resolves.toBe(1);
  });

  it('refuses a form without _csrf (403, nothing written), a member (403) and sends anonymous visitors to /login', async () => {
    const before = await countRows(app.db, 'cases');
    const forged = await admin.post('/console/cases', { name: 'No Token', country: 'TJ', status: 'detained', summary: 'x' });
    expect(forged.status).toBe(403);
    const officials = await countRows(app.db, 'officials');
    expect((await admin.post('/console/officials/import', { csv: 'name,title,country,language\nA,B,TJ,ru' })).status).toBe(403);
    await expect(countRows(app.db, 'cases')).resolves.toBe(before);
    await expect(countRows(app.db, 'officials')).resolves.toBe(officials);

    const member = aSupporter();
    expect((await app.api.post('/api/supporters', member, app.adminToken)).status).toBe(201);
    const token = await app.api.login(member.email, member.password);
    for (const path of ['/console/cases', '/console/cases/new', '/console/officials', '/console/officials/import']) {
      const asMember = await fetch(app.api.baseUrl + path, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
      expect(`${path} ${asMember.status}`).toBe(`${path} 403`);
      const anonymous = await fetch(app.api.baseUrl + path, { redirect: 'manual' });
      expect(`${path} ${anonymous.status} ${anonymous.headers.get('location')}`).toBe(`${path} 303 /login?next=${encodeURIComponent(path)}`);
    }
    const unknown = await admin.get('/console/cases/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const malformed = await admin.get('/console/officials/not-an-id');
    expect(malformed.status).toBe(404);
  });
});
