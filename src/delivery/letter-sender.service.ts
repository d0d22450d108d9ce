import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseStatus } from '../cases/case.entity';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { letterContext } from '../templates/letter-context';
import { CompiledTemplate, compileTemplate, TemplateKind } from '../templates/template-engine';
import { MAX_LETTER_ATTEMPTS } from './jobs';
import { MailTransportService, SendOutcome } from './mail-transport.service';

/** Everything a batch needs to render its letters, read in one query. */
interface LetterRow {
  id: string;
  attempts: number;
  appeal_id: string;
  appeal_title: string;
  note: string | null;
  signature_style: SignatureStyle;
  supporter_name: string;
  supporter_city: string | null;
  supporter_country: string;
  official_email: string | null;
  official_name: string;
  official_title: string;
  official_salutation: string | null;
  official_organisation: string | null;
  official_language: string;
  case_name: string;
  case_country: string;
  case_profession: string | null;
  case_status: CaseStatus;
  case_summary: string;
  case_charges: string | null;
  case_detained_on: string | null;
  /** The appeal's templates: [{id, language, kind, subject, body, version}] */
  templates: { id: string; language: string; kind: TemplateKind; subject: string; body: string; version: string }[];
}

export interface BatchResult {
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
  unknown: number;
}

@Injectable()
export class LetterSenderService {
  private readonly logger = new Logger(LetterSenderService.name);
  /** Compiled once per template version, reused for every letter. */
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MailTransportService) private readonly mail: MailTransportService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  /**
   * Claims, renders, sends and records one batch. Letters are claimed (queued -> sending)
   * before anything is sent, so a second worker holding the same ids sends nothing.
   */
  async sendBatch(letterIds: string[]): Promise<BatchResult> {
    const rows = await this.claim(letterIds);
    const result: BatchResult = { claimed: rows.length, sent: 0, retry: 0, failed: 0, unknown: 0 };
    if (rows.length === 0) return result;

    const outcomes = await Promise.all(rows.map((row) => this.sendOne(row)));
    const now = new Date();
    const updates = outcomes.map((outcome, index) => {
      const row = rows[index];
      // A transient failure on the last attempt is final.
      const kind = outcome.kind === 'retry' && row.attempts >= MAX_LETTER_ATTEMPTS ? 'failed' : outcome.kind;
      result[kind === 'sent' ? 'sent' : kind === 'retry' ? 'retry' : kind === 'failed' ? 'failed' : 'unknown'] += 1;
      return { id: row.id, status: kind === 'retry' ? 'queued' : kind, detail: outcome.detail, messageId: outcome.messageId };
    });
    await this.record(updates, now);
    if (result.retry > 0) {
      this.logger.warn(`${result.retry} of ${rows.length} letters will be retried`);
    }
    return result;
  }

  private async claim(letterIds: string[]): Promise<LetterRow[]> {
    return this.db.query<LetterRow[]>(
      `WITH claimed AS (
         UPDATE letters l SET status = 'sending', attempts = l.attempts + 1, claimed_at = now(), updated_at = now()
           FROM appeals a
          WHERE l.id = ANY($1::uuid[]) AND l.status = 'queued' AND a.id = l.appeal_id AND a.status = 'open'
         RETURNING l.id, l.attempts, l.appeal_id, l.signature_id, l.supporter_id, l.official_id)
       SELECT c.id, c.attempts, a.id AS appeal_id, a.title AS appeal_title, sg.note, sg.signature_style,
              s.name AS supporter_name, s.city AS supporter_city, s.country AS supporter_country,
              o.email AS official_email, o.name AS official_name, o.title AS official_title, o.salutation AS official_salutation,
              o.organisation AS official_organisation, o.language AS official_language,
              k.name AS case_name, k.country AS case_country, k.profession AS case_profession, k.status AS case_status,
              k.summary AS case_summary, k.charges AS case_charges, to_char(k.detained_on, 'YYYY-MM-DD') AS case_detained_on,
              t.templates
         FROM claimed c
         JOIN appeals a ON a.id = c.appeal_id
         JOIN cases k ON k.id = a.case_id
         JOIN signatures sg ON sg.id = c.signature_id
         JOIN supporters s ON s.id = c.supporter_id
         JOIN officials o ON o.id = c.official_id
         JOIN LATERAL (
           SELECT json_agg(json_build_object('id', tp.id, 'language', tp.language, 'kind', tp.kind, 'subject', tp.subject,
                  'body', tp.body, 'version', tp.updated_at) ORDER BY tp.created_at, tp.id) AS templates
             FROM appeal_templates at JOIN templates tp ON tp.id = at.template_id WHERE at.appeal_id = a.id) t ON true`,
      [letterIds],
    );
  }

  private async sendOne(row: LetterRow): Promise<SendOutcome> {
    const messageId = this.mail.messageIdOf(row.id);
    if (!row.official_email) return { kind: 'failed', detail: 'official has no email address', messageId };
    let text: { subject: string; body: string };
    try {
      const template = this.templateFor(row);
      const context = letterContext({
        case: { name: row.case_name, country: row.case_country, profession: row.case_profession, status: row.case_status, summary: row.case_summary, charges: row.case_charges, detainedOn: row.case_detained_on },
        official: { name: row.official_name, title: row.official_title, salutation: row.official_salutation, organisation: row.official_organisation, language: row.official_language },
        supporter: { name: row.supporter_name, city: row.supporter_city, country: row.supporter_country, signatureStyle: row.signature_style },
        note: row.note,
        appealTitle: row.appeal_title,
        date: new Date(),
      });
      text = template.render(context);
      const from = `${context.supporter.signature} via ${this.config.orgName}`;
      return await this.mail.send({ letterId: row.id, fromName: from, to: row.official_email, subject: text.subject, text: text.body });
    } catch (error) {
      // A template that cannot render this letter will not render it on retry either.
      return { kind: 'failed', detail: `render error: ${(error as Error).message.slice(0, 200)}`, messageId };
    }
  }

  /** The template in the official's language when the appeal has one, else the appeal's first. */
  private templateFor(row: LetterRow): CompiledTemplate {
    const appealTemplates = row.templates.filter((template) => template.kind === 'appeal');
    const chosen = appealTemplates.find((template) => template.language === row.official_language) ?? appealTemplates[0];
    if (!chosen) throw new Error('appeal has no letter template');
    const key = `${chosen.id}@${chosen.version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compileTemplate(chosen.kind, chosen.subject, chosen.body);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  /** One statement for the whole batch. */
  private async record(updates: { id: string; status: string; detail: string; messageId: string }[], now: Date): Promise<void> {
    await this.db.query(
      `UPDATE letters l SET status = u.status,
              smtp_response = CASE WHEN u.status = 'sent' THEN u.detail ELSE l.smtp_response END,
              last_error = CASE WHEN u.status = 'sent' THEN NULL ELSE u.detail END,
              message_id = u.message_id,
              sent_at = CASE WHEN u.status = 'sent' THEN $5::timestamptz ELSE l.sent_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, status, detail, message_id)
        WHERE l.id = u.id AND l.status = 'sending'`,
      [updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => u.detail), updates.map((u) => u.messageId), now],
    );
  }
}
