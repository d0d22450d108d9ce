import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors';

/** One row of a case's letters export; the supporter's email only for an admin. */
export interface LetterExportRow {
  id: string;
  appeal_id: string;
  official_id: string;
  status: string;
  attempts: number;
  sent_at: Date | null;
  smtp_response: string | null;
  supporter_id: string | null;
  supporter_email?: string | null;
}

export const LETTER_EXPORT_COLUMNS = ['id', 'appeal_id', 'official_id', 'status', 'attempts', 'sent_at', 'smtp_response', 'supporter_id'] as const;

/** Rows fetched per round trip. */
const PAGE = 1000;

/**
 * A case's letters, read through a server-side cursor in one snapshot: however many
 * letters a case has, memory holds one page, and rows written while the export runs do not
 * tear it. The cursor holds a pooled connection until the client has read the last page.
 */
@Injectable()
export class LetterExportService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async assertCase(caseId: string): Promise<void> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM cases WHERE id = $1`, [caseId]);
    if (rows.length === 0) throw new NotFoundError('Case');
  }

  async *lettersOfCase(caseId: string, withEmail: boolean): AsyncGenerator<LetterExportRow> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(
        `DECLARE case_letters NO SCROLL CURSOR FOR
         SELECT l.id, l.appeal_id, l.official_id, l.status, l.attempts, l.sent_at, l.smtp_response, l.supporter_id
                ${withEmail ? ', s.email AS supporter_email' : ''}
           FROM letters l JOIN appeals a ON a.id = l.appeal_id ${withEmail ? 'LEFT JOIN supporters s ON s.id = l.supporter_id' : ''}
          WHERE a.case_id = $1 ORDER BY l.appeal_id, l.id`,
        [caseId],
      );
      for (;;) {
        const rows = (await runner.query(`FETCH ${PAGE} FROM case_letters`)) as LetterExportRow[];
        if (rows.length === 0) break;
        yield* rows;
      }
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
