import type { Catalogue } from '../../common/i18n/messages';
import type { PrintScope } from '../../letters/letters.repository';
import { ENVELOPE_FORMATS } from '../../print/dto/print-run.dto';
import type { PrintRunsService } from '../../print/print-runs.service';
import type { PrintFigures } from '../../printing/print-runs.repository';
import { dayOf } from '../view-format';

/** The runs of an appeal or a cycle its page links to, newest first. */
export const RUNS_SHOWN = 5;

/** Why a print run was refused, as a code in the address the page that posted is sent back to. */
export function printProblemOf(problem: unknown, messages: Catalogue): string | null {
  const key = typeof problem === 'string' && /^[a-z_]{1,40}$/.test(problem) ? `consolePrint.problem.${problem}` : null;
  return key && messages.has(key) ? messages.t(key) : null;
}

/**
 * The "letters waiting for post" part of an appeal's or a cycle's console page
 * (views/partials/console-print-start.hbs): how many letters a print run would take now, the
 * form that starts one (POST /console/print-runs), why the last one was refused, and the
 * latest runs. `shown` is false when nothing of it says anything (an email appeal never printed).
 */
export async function printStartOf(runs: PrintRunsService, scope: PrintScope, problem: unknown, messages: Catalogue, byPost: boolean) {
  const [awaiting, cards, latest] = await Promise.all([runs.awaiting(scope), runs.awaitingCards(scope), runs.list(scope, 1, RUNS_SHOWN)]);
  return printStartView({ awaiting, cards, runs: latest.items, runsTotal: latest.total }, scope, problem, messages, byPost);
}

/** The same part from figures read already (an appeal's page reads them with the rest of the appeal): `figures.runs` the latest RUNS_SHOWN. */
export function printStartView(figures: PrintFigures, scope: PrintScope, problem: unknown, messages: Catalogue, byPost: boolean) {
  const { awaiting, cards, runs, runsTotal } = figures;
  const field = 'appealId' in scope ? 'appealId' : 'cycleId';
  const refusal = printProblemOf(problem, messages);
  return {
    shown: byPost || awaiting > 0 || cards > 0 || runsTotal > 0 || refusal !== null,
    field,
    scopeId: 'appealId' in scope ? scope.appealId : scope.cycleId,
    awaiting,
    awaitingLine: messages.t('consolePrint.start.awaiting', { count: awaiting }),
    cards,
    cardsLine: messages.t('consolePrint.start.cardsAwaiting', { count: cards }),
    envelopes: ENVELOPE_FORMATS.map((format, index) => ({ value: format, inputId: `print-envelopes-${format}`, label: messages.t(`consolePrint.envelopes.${format}`), checked: index === 0 })),
    problem: refusal,
    runs: runs.map((run) => ({
      href: `/console/print-runs/${run.id}`,
      label: messages.t('consolePrint.start.runLine', { date: dayOf(run.createdAt, messages.language), status: messages.t(`consolePrint.status.${run.status}`), count: run.letters }),
    })),
    allRuns: runsTotal > runs.length,
  };
}
