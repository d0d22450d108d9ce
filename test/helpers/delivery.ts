import { Pool } from 'pg';
import { aCase, anAppealTemplate, anOfficial } from './factories';
import { SmtpSink } from './smtp-sink';
import { Api } from './test-app';
import { waitFor } from './wait';

export interface LaunchedAppeal {
  appealId: string;
  caseId: string;
  officials: { id: string; email: string }[];
}

/** Inserts auto-sign members straight into Postgres: the fan-out under test reads them there. */
export async function addAutoSigners(db: Pool, count: number, label: string): Promise<void> {
  await db.query(
    `INSERT INTO supporters (email, name, country, city, auto_sign)
     SELECT $2 || '-' || n || '@members.example', 'Supporter ' || $2 || ' ' || n, 'CA', 'Toronto', true FROM generate_series(1, $1) AS n`,
    [count, label],
  );
}

/** A case, officials, an English template and an appeal, created over HTTP; launched unless told not to. */
export async function anAppeal(api: Api, token: string, officials: Record<string, unknown>[], launch = true): Promise<LaunchedAppeal> {
  const created = await api.post('/api/cases', aCase(), token);
  if (created.status !== 201) throw new Error(`case: ${created.status} ${JSON.stringify(created.body)}`);
  const saved: { id: string; email: string }[] = [];
  for (const official of officials) {
    const response = await api.post('/api/officials', anOfficial(official), token);
    if (response.status !== 201) throw new Error(`official: ${response.status} ${JSON.stringify(response.body)}`);
    saved.push(response.body);
  }
  const template = await api.post('/api/templates', anAppealTemplate(), token);
  const appeal = await api.post('/api/appeals', { caseId: created.body.id, title: 'Free her', templateIds: [template.body.id], officialIds: saved.map((o) => o.id) }, token);
  if (appeal.status !== 201) throw new Error(`appeal: ${appeal.status} ${JSON.stringify(appeal.body)}`);
  if (launch) {
    const launched = await api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, token);
    if (launched.status !== 200) throw new Error(`launch: ${launched.status} ${JSON.stringify(launched.body)}`);
  }
  return { appealId: appeal.body.id, caseId: created.body.id, officials: saved };
}

export interface LetterRecord {
  id: string;
  status: string;
  official_id: string;
  last_error: string | null;
  smtp_response: string | null;
  attempts: number;
}

export async function lettersOf(db: Pool, appealId: string): Promise<LetterRecord[]> {
  const { rows } = await db.query<LetterRecord>(`SELECT id, status, official_id, last_error, smtp_response, attempts FROM letters WHERE appeal_id = $1 ORDER BY id`, [appealId]);
  return rows;
}

/** Waits until no letter of the appeal is queued or sending; fails with the counts if that never happens. */
export async function settled(db: Pool, appealId: string, timeoutMs = 60_000): Promise<LetterRecord[]> {
  return waitFor(
    async () => {
      const letters = await lettersOf(db, appealId);
      return letters.length > 0 && letters.every((l) => l.status !== 'queued' && l.status !== 'sending') ? letters : undefined;
    },
    async () => `letters by status: ${JSON.stringify(countBy(await lettersOf(db, appealId)))}`,
    timeoutMs,
  );
}

export function countBy(letters: LetterRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of letters) counts[letter.status] = (counts[letter.status] ?? 0) + 1;
  return counts;
}

/**
 * What every fault must leave: each letter sent, failed or unknown with its reason; the
 * server accepted each sent letter exactly once, and nothing that is not sent or unknown;
 * an unknown letter reached the server at most once (it was never resent).
 */
export function expectSettledAndExactlyOnce(letters: LetterRecord[], sink: SmtpSink): void {
  const accepted = new Map<string, number>();
  for (const message of sink.messages) accepted.set(message.letterId ?? '', (accepted.get(message.letterId ?? '') ?? 0) + 1);
  const problems: string[] = [];
  for (const letter of letters) {
    const times = accepted.get(letter.id) ?? 0;
    if (letter.status === 'sent') {
      if (!letter.smtp_response) problems.push(`${letter.id} sent without the server's reply`);
      if (times !== 1) problems.push(`${letter.id} sent but accepted ${times} times`);
    } else if (letter.status === 'unknown') {
      if (!letter.last_error) problems.push(`${letter.id} unknown without a reason`);
      if ((sink.receptions.get(letter.id) ?? 0) > 1) problems.push(`${letter.id} unknown but resent (${sink.receptions.get(letter.id)} receptions)`);
    } else if (letter.status === 'failed') {
      if (!letter.last_error) problems.push(`${letter.id} failed without a reason`);
      if (times > 0) problems.push(`${letter.id} failed but the server accepted it`);
    } else {
      problems.push(`${letter.id} is ${letter.status}`);
    }
  }
  const known = new Set(letters.map((l) => l.id));
  for (const id of accepted.keys()) if (!known.has(id)) problems.push(`the server accepted ${id}, which is no letter of this appeal`);
  expect(problems).toEqual([]);
}
