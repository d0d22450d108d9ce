import { Inject, Injectable } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import { NotFoundError } from '../common/errors';
import { LetterExportRow, StatsRepository } from './stats.repository';

export type { LetterExportRow } from './stats.repository';

export const LETTER_EXPORT_COLUMNS = ['id', 'appeal_id', 'official_id', 'status', 'attempts', 'sent_at', 'smtp_response', 'supporter_id'] as const;

/**
 * A case's letters, read through StatsRepository's cursor in one snapshot: however many
 * letters a case has, memory holds one page, and rows written while the export runs do not
 * tear it. The cursor holds a pooled connection until the client has read the last page.
 */
@Injectable()
export class LetterExportService {
  constructor(
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(StatsRepository) private readonly rollups: StatsRepository,
  ) {}

  async assertCase(caseId: string): Promise<void> {
    if (!(await this.cases.exists(caseId))) throw new NotFoundError('Case');
  }

  lettersOfCase(caseId: string, withEmail: boolean): AsyncGenerator<LetterExportRow> {
    return this.rollups.lettersOfCase(caseId, withEmail);
  }
}
