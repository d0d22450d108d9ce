import { Inject, Injectable } from '@nestjs/common';
import { AppealsService } from '../../appeals/appeals.service';
import { catalogueOf } from '../../common/i18n/messages';
import { CyclesService } from '../../cycles/cycles.service';
import { LETTER_STATUSES } from '../../letters/letter.entity';
import { ModerationService } from '../../moderation/moderation.service';
import { NoteModerationService } from '../../note-moderation/note-moderation.service';
import { StatsService } from '../../stats/stats.service';
import { SuppressionsService } from '../../inbound/suppressions.service';
import { OfficialsService } from '../../officials/officials.service';

/** Open appeals shown on the home page; the rest are counted. */
const OPEN_APPEALS_SHOWN = 20;
/** Cases with messages waiting for moderation, shown on the home page. */
const CASES_WITH_MESSAGES_SHOWN = 20;

/**
 * The console's home, "what needs attention": every number comes from the services behind
 * the API (GET /api/appeals?status=open, GET /api/cycles, GET /api/stats/appeals/:id,
 * /api/stats/overview, the dashboard's pacing table, the messages and the notes held for moderation), so the page has no SQL of its own.
 */
@Injectable()
export class ConsoleHomeService {
  constructor(
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(CyclesService) private readonly cycles: CyclesService,
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(SuppressionsService) private readonly suppressions: SuppressionsService,
    @Inject(NoteModerationService) private readonly notes: NoteModerationService,
  ) {}

  async model(language: string, role: string): Promise<object> {
    const messages = catalogueOf(language);
    const [open, recentCycles, overview, pacing, heldMessages, heldNotes, flagged, suppressed] = await Promise.all([
      this.appeals.list({ status: 'open', page: 1, limit: OPEN_APPEALS_SHOWN }),
      this.cycles.list(1, 12),
      this.stats.overview(),
      this.stats.officialsPacing(),
      this.moderation.heldByCase(CASES_WITH_MESSAGES_SHOWN),
      this.notes.heldByAppeal(CASES_WITH_MESSAGES_SHOWN),
      this.officials.flagged(1),
      this.suppressions.list(1, 1),
    ]);
    // The current cycle: the latest open one, else the latest of any status.
    const current = recentCycles.items.find((cycle) => cycle.status === 'open') ?? recentCycles.items[0];
    let cycle: object | null = null;
    if (current) {
      // One statement for the cycle's appeals, not a few per appeal (a cycle may bundle twenty).
      const appeals = (await this.stats.appealSupporters(current.appealIds)).map((appeal) => ({ id: appeal.id, title: appeal.title, signed: appeal.supporters }));
      cycle = {
        id: current.id,
        title: current.title,
        month: current.month,
        statusName: messages.has(`console.cycleStatus.${current.status}`) ? messages.t(`console.cycleStatus.${current.status}`) : current.status,
        invitations: current.invitations,
        // Signatures across the cycle's appeals (a member who signed two appeals counts twice).
        signed: appeals.reduce((sum, appeal) => sum + appeal.signed, 0),
        appeals,
      };
    }
    return {
      roleName: messages.t(`console.role.${role}`),
      statuses: LETTER_STATUSES.map((status) => messages.t(`letterStatus.${status}`)),
      appeals: {
        total: open.total,
        more: Math.max(0, open.total - open.items.length),
        rows: open.items.map((appeal) => ({
          id: appeal.id,
          title: appeal.title,
          counts: LETTER_STATUSES.map((status) => ({ status, count: appeal.letters[status] })),
          total: appeal.letters.total,
        })),
      },
      cycle,
      messages: heldMessages.map((row) => ({ ...row, href: `/console/cases/${row.caseId}/messages?status=held`, label: messages.t('console.homePage.messagesWaiting', { count: row.held }) })),
      // Bounces and complaints flag officials; suppressed addresses get no letter until lifted.
      deliverability:
        flagged.total + suppressed.total > 0
          ? messages.t('console.homePage.deliverability', { flagged: flagged.total, suppressed: suppressed.total })
          : '',
      notes: heldNotes.map((row) => ({ ...row, href: `/console/appeals/${row.appealId}/held`, label: messages.t('console.homePage.notesWaiting', { count: row.held }) })),
      failures: overview.failures.map((failure) => ({ ...failure, code: failure.code ?? '—' })),
      pacing: pacing
        .filter((official) => official.waiting > 0 && (official.maxLettersPerHour !== null || official.officeHours !== null))
        .map((official) => ({
          ...official,
          limit: official.maxLettersPerHour ?? messages.t('console.homePage.noLimit'),
          hours: official.officeHours ? `${official.officeHours}${official.timezone ? ` (${official.timezone})` : ''}` : messages.t('console.homePage.anyTime'),
        })),
    };
  }
}
