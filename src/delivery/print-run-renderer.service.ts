import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { LettersRepository } from '../letters/letters.repository';
import type { PrintedLetter } from '../printing/letters-pdf';
import { PrintRenderError } from '../printing/print-render-error';
import type { PrintRun, PrintRunFile } from '../printing/print-run.entity';
import { AddressedCard, writeCardRun, writeLetterRun } from '../printing/print-run';
import { PrintRunsRepository } from '../printing/print-runs.repository';
import { MessagesRepository } from '../messages/messages.repository';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { safeSigning, senderName, supporterSignature } from '../templates/letter-context';
import { LetterRendererService } from '../templates/letter-renderer.service';
import { templateVariables } from '../templates/template-engine';
import { AppealTemplate, letterPartsOf, LetterRow, letterRowColumns, letterRowJoins } from './letter-row';

/** Letters read from Postgres per statement while a run is rendered: the run is never read whole. */
const READ_CHUNK = 500;

export const LETTER_RUN_FILES = ['letters.pdf', 'envelopes.pdf', 'manifest.csv'] as const;
export const CARD_RUN_FILES = ['cards.pdf', 'envelopes.pdf'] as const;

/** An approved message as a cards run reads it, with how its writer signs and where its case's cards go. */
interface CardRow {
  id: string;
  text: string;
  language: string;
  supporter_name: string | null;
  supporter_country: string | null;
  signature_style: SignatureStyle | null;
  /** A high-risk case's cards, like its letters, never carry a writer's full name. */
  case_risk: 'normal' | 'high';
  message_address: string | null;
  message_country: string;
}

/** How a run ended: rendered, failed (a letter named), or nothing to do (not rendering any more). */
export type RenderOutcome = 'ready' | 'failed' | 'skipped';

/**
 * Renders a print run's letters, through the one road from a letter row to its text (the
 * sender's row, parts and renderer), to PRINT_DIR/<run id>/: letters.pdf, envelopes.pdf and
 * manifest.csv, streamed as the letters are read in chunks. Then, in one transaction, the run
 * is `ready` and its letters `printed`; a letter that cannot be printed ends the run `failed`
 * with the error naming it: that letter is `failed` with the reason, the others wait for post
 * again, so the next run goes without it. Safe to run again (a
 * retried job): the folder is written afresh and the status changes are guarded.
 */
@Injectable()
export class PrintRunRenderer {
  private readonly logger = new Logger(PrintRunRenderer.name);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(PrintRunsRepository) private readonly runs: PrintRunsRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(MessagesRepository) private readonly messages: MessagesRepository,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  /** The folder of a run's files. */
  folderOf(runId: string): string {
    return join(this.config.printDir, runId);
  }

  async render(runId: string): Promise<RenderOutcome> {
    const run = await this.runs.findById(runId);
    if (!run || run.status !== 'rendering') return 'skipped';
    const folder = this.folderOf(run.id);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    const started = Date.now();
    try {
      if (run.kind === 'cards') return await this.renderCards(run, folder, started);
      const counts = await writeLetterRun(
        this.printedLetters(run),
        {
          letters: createWriteStream(join(folder, 'letters.pdf')),
          envelopes: createWriteStream(join(folder, 'envelopes.pdf')),
          manifest: createWriteStream(join(folder, 'manifest.csv')),
        },
        { ...this.pageOptions(run), envelopeFormat: run.envelopes },
      );
      const files: PrintRunFile[] = [];
      for (const name of LETTER_RUN_FILES) files.push({ name, bytes: (await stat(join(folder, name))).size });
      await this.db.transaction(async (manager) => {
        if ((await this.runs.markReady(manager, run.id, { letters: counts.letters, pages: counts.pages, files })) === 0) return;
        await this.letters.markPrinted(manager, run.id);
      });
      this.logger.log(`Print run ${run.id}: ${counts.letters} letters, ${counts.pages} pages in ${Date.now() - started} ms`);
      return 'ready';
    } catch (error) {
      if (!(error instanceof PrintRenderError)) throw error;
      await rm(folder, { recursive: true, force: true });
      await this.db.transaction(async (manager) => {
        if ((await this.runs.markFailed(manager, run.id, error.message)) === 0) return;
        if (run.kind === 'cards') {
          await this.messages.releaseFromPrintRun(manager, run.id);
          return;
        }
        if (error.kind === 'letter') await this.letters.failUnprintable(manager, run.id, error.itemId, `could not be printed: ${error.reason}`);
        await this.letters.releaseFromPrintRun(manager, run.id);
      });
      this.logger.warn(`Print run ${run.id} failed: ${error.message}`);
      return 'failed';
    }
  }

  /** The paper (PAPER_SIZE's `letter` is the writers' `LETTER`) and the return address of a run's files. */
  private pageOptions(run: PrintRun): { paperSize: 'A4' | 'LETTER'; orgName: string; orgPostalAddress: string } {
    return { paperSize: run.paperSize === 'letter' ? 'LETTER' : 'A4', orgName: this.config.orgName, orgPostalAddress: this.config.orgPostalAddress ?? '' };
  }

  private async renderCards(run: PrintRun, folder: string, started: number): Promise<RenderOutcome> {
    const counts = await writeCardRun(
      this.cards(run),
      { cards: createWriteStream(join(folder, 'cards.pdf')), envelopes: createWriteStream(join(folder, 'envelopes.pdf')) },
      // Four A6 cards on an A4 sheet halve exactly; on US Letter each card is its own A6 page, for card stock.
      { ...this.pageOptions(run), layout: run.paperSize === 'A4' ? 'A4-4up' : 'A6', envelopeFormat: run.envelopes },
    );
    const files: PrintRunFile[] = [];
    for (const name of CARD_RUN_FILES) files.push({ name, bytes: (await stat(join(folder, name))).size });
    await this.db.transaction(async (manager) => {
      if ((await this.runs.markReady(manager, run.id, { letters: counts.cards, pages: counts.pages, files })) === 0) return;
      await this.messages.markPrinted(manager, run.id);
    });
    this.logger.log(`Print run ${run.id}: ${counts.cards} cards, ${counts.pages} pages in ${Date.now() - started} ms`);
    return 'ready';
  }

  /** The run's approved messages, READ_CHUNK at a time, each signed as its writer signs (anonymously once they erased their data; never in full for a high-risk case). */
  private async *cards(run: PrintRun): AsyncGenerator<AddressedCard> {
    let after: string | null = null;
    for (;;) {
      const rows: CardRow[] = await this.db.query(
        `SELECT m.id, m.text, m.language, s.name AS supporter_name, s.country AS supporter_country, s.signature_style, c.risk AS case_risk,
                c.message_address, coalesce(c.message_country, c.country) AS message_country
           FROM messages m JOIN cases c ON c.id = m.case_id LEFT JOIN supporters s ON s.id = m.supporter_id
          WHERE m.print_run_id = $1 AND m.status = 'approved' AND ($2::uuid IS NULL OR m.id > $2::uuid)
          ORDER BY m.id LIMIT $3`,
        [run.id, after, READ_CHUNK],
      );
      for (const row of rows) {
        const signature = row.supporter_name
          ? supporterSignature(row.language, safeSigning(row.case_risk, row.signature_style ?? 'full', null).style, row.supporter_name, row.supporter_country ?? 'ZZ')
          : supporterSignature(row.language, 'anonymous', '', 'ZZ');
        yield { id: row.id, text: row.text, signature, messageAddress: row.message_address, messageCountry: row.message_country };
      }
      if (rows.length < READ_CHUNK) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** The run's letters still queued, by official then letter, READ_CHUNK at a time, each rendered as the member previewed it. */
  private async *printedLetters(run: PrintRun): AsyncGenerator<PrintedLetter> {
    const templatesOfAppeal = new Map<string, AppealTemplate[]>();
    const writtenOf = new Map<string, PrintedLetter['written']>();
    const day = run.createdAt.toISOString().slice(0, 10);
    const date = new Date(`${day}T00:00:00Z`);
    let after: { official: string; id: string } | null = null;
    for (;;) {
      const rows: (LetterRow & { official_id: string })[] = await this.db.query(
        `SELECT ${letterRowColumns('l')}, l.official_id
           FROM (SELECT * FROM letters WHERE print_run_id = $1 AND status = 'queued' AND ($2::uuid IS NULL OR (official_id, id) > ($2::uuid, $3::uuid))
                  ORDER BY official_id, id LIMIT $4) l
           ${letterRowJoins('l')}
          ORDER BY l.official_id, l.id`,
        [run.id, after?.official ?? null, after?.id ?? null, READ_CHUNK],
      );
      // The templates ride on one row per appeal of the chunk, not always its first in this order.
      for (const row of rows) if (row.templates) templatesOfAppeal.set(row.appeal_id, row.templates);
      for (const row of rows) {
        yield this.printed(row, templatesOfAppeal.get(row.appeal_id) ?? [], day, date, writtenOf);
      }
      if (rows.length < READ_CHUNK) return;
      const last = rows[rows.length - 1];
      after = { official: last.official_id, id: last.id };
    }
  }

  private printed(row: LetterRow, templates: AppealTemplate[], day: string, date: Date, writtenOf: Map<string, PrintedLetter['written']>): PrintedLetter {
    let rendered;
    try {
      rendered = this.renderer.renderFor(templates, row.official_language, letterPartsOf(row, date));
    } catch (error) {
      throw new PrintRenderError(row.id, `the template cannot render it (${(error as Error).message.slice(0, 200)})`);
    }
    if (!rendered) throw new PrintRenderError(row.id, 'the appeal has no letter template');
    const key = `${rendered.template.id}/${rendered.template.version}`;
    let written = writtenOf.get(key);
    if (!written) {
      const variables = templateVariables(rendered.template.kind, rendered.template.subject, rendered.template.body);
      written = { date: variables.has('date'), note: variables.has('note'), signature: variables.has('supporter.signature') };
      writtenOf.set(key, written);
    }
    const signature = rendered.context.supporter.signature;
    return {
      id: row.id,
      date: day,
      language: rendered.language,
      subject: rendered.subject,
      body: rendered.body,
      signature,
      note: row.note,
      sender: senderName(rendered.language, signature, this.config.orgName),
      written,
      official: { name: row.official_name, title: row.official_title, organisation: row.official_organisation, postalAddress: row.official_postal_address ?? '', country: row.official_country },
    };
  }
}
