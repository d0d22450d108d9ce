import { assessPrintTargets, PrintChildRun, PrintRound, summariseRounds } from './print-report';

function aChildRun(kind: 'qalam' | 'bare', pagesPerSecond: number, peakRssMb: number): PrintChildRun {
  return {
    kind,
    letters: 10,
    pages: 25,
    letterPages: 15,
    envelopePages: 10,
    setupSeconds: 1,
    seconds: 25 / pagesPerSecond,
    pagesPerSecond,
    cpuSeconds: 1,
    bytes: {},
    peakRssMb,
    files: {},
    pdfinfoPages: 15,
    pdfinfoEnvelopePages: 10,
    manifestRows: kind === 'qalam' ? 10 : null,
    processSeconds: 2,
    machineBusy: 0.5,
  };
}

const aRound = (round: number, qalam: number, bare: number, rss: number): PrintRound => ({ round, order: ['qalam', 'bare'], qalam: aChildRun('qalam', qalam, rss), bare: aChildRun('bare', bare, 140), ratio: qalam / bare, cpuRatio: 0.5 });

describe(summariseRounds.name, () => {
  it('gives the median of each rate and of the per-round ratios, and the highest peak RSS', () => {
    const summary = summariseRounds([aRound(1, 100, 400, 200), aRound(2, 300, 500, 310), aRound(3, 200, 300, 250)]);
    expect(summary.median).toEqual({ qalamPagesPerSecond: 200, barePagesPerSecond: 400, ratio: 0.6, cpuRatio: 0.5 });
    expect(summary.peakRssMb).toEqual({ qalam: 310, bare: 140 });
    expect(assessPrintTargets(summary)).toMatchObject({ ratio: { value: 0.6, met: true }, peakRss: { value: 310, met: false } });
  });

  it('leaves out a round that did not finish, and has no verdict without figures', () => {
    const unfinished: PrintRound = { round: 2, order: ['bare', 'qalam'], qalam: null, bare: aChildRun('bare', 1000, 150), ratio: null, cpuRatio: null };
    expect(summariseRounds([aRound(1, 100, 400, 200), unfinished]).median.ratio).toBe(0.25);
    const none = summariseRounds([]);
    expect(assessPrintTargets(none)).toMatchObject({ ratio: { value: null, met: null }, peakRss: { value: null, met: null } });
  });
});
