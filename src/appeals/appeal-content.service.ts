import { Inject, Injectable } from '@nestjs/common';
import { ChangeNoticesService } from '../database/change-notices.service';
import { KeptContent } from '../database/kept-content';
import type { AppealContentRow } from './appeals.repository';

/** The longest an appeal's content is kept, whatever is heard: the backstop, should a notice ever be missed. */
export const APPEAL_CONTENT_TTL_MS = 30_000;
/** Appeals whose content is kept at most (the least lately opened goes first). */
export const APPEAL_CONTENT_KEPT = 500;

/**
 * What the console's appeal page shows that only the content tables change (the appeal's
 * title, deadline and links, its case, templates and officials: AppealContentRow), kept in
 * memory per process once read, under the content tables' rule (KeptContent), so that
 * opening the page reads only what moves: the appeal's state, its letters, held notes and
 * print runs. The letter to each official is rendered from it once a day and kept with it
 * (AppealsService.record).
 */
@Injectable()
export class AppealContentService extends KeptContent<AppealContentRow> {
  constructor(@Inject(ChangeNoticesService) notices: ChangeNoticesService) {
    super(notices, APPEAL_CONTENT_TTL_MS, APPEAL_CONTENT_KEPT);
  }
}
