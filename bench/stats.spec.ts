import { UsageError } from './command-line';
import { parseStatsArgs, STATS_DEFAULTS, supportersFor } from './stats-options';
import { quantile, roundRatios, summarise } from './stats-timing';

describe(parseStatsArgs.name, () => {
  it('has the defaults of the issue, in a database and prefix of its own', () => {
    expect(parseStatsArgs([])).toMatchObject({
      letters: 10_000_000,
      officials: 4,
      appeals: 2,
      requests: 200,
      warmup: 20,
      keep: false,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_stats',
      queuePrefix: 'qalam-bench-stats',
    });
    expect(STATS_DEFAULTS.databaseUrl).not.toMatch(/\/qalam_bench$/);
  });

  it('reads figures written with separators', () => {
    expect(parseStatsArgs(['--letters', '20,000', '--officials', '2', '--appeals', '3', '--keep'])).toMatchObject({ letters: 20_000, officials: 2, appeals: 3, keep: true });
    expect(parseStatsArgs(['--letters', '10_000_000'])?.letters).toBe(10_000_000);
  });

  it.each([
    [['--letters', 'many']],
    [['--letters', '7']],
    [['--officials', '0']],
    [['--appeals', '51']],
    [['--database-url', 'postgres://postgres@127.0.0.1:5432/qalam']],
    [['--queue-prefix', 'qalam']],
    [['--queue-prefix', 'qalam:bench']],
    [['--unknown']],
  ])('refuses %j', (argv) => {
    expect(() => parseStatsArgs(argv)).toThrow(UsageError);
  });

  it('returns null for --help', () => {
    expect(parseStatsArgs(['--help'])).toBeNull();
  });
});

describe(supportersFor.name, () => {
  it('shares the letters out over officials and appeals, rounding up', () => {
    expect(supportersFor({ letters: 10_000_000, officials: 4, appeals: 2 })).toBe(1_250_000);
    expect(supportersFor({ letters: 20_001, officials: 4, appeals: 2 })).toBe(2_501);
  });
});

describe('latency figures', () => {
  it('interpolates quantiles between ranks', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.95)).toBeCloseTo(19.5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarises a series', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(summarise(values)).toMatchObject({ count: 100, min: 1, max: 100, median: 50.5, mean: 50.5 });
    expect(summarise(values).p99).toBeCloseTo(99.01);
  });

  it('gives a median ratio per run of consecutive pairs', () => {
    const measured = [2, 2, 2, 6, 6, 6];
    const baseline = [1, 1, 1, 2, 2, 2];
    expect(roundRatios(measured, baseline, 2)).toEqual([2, 3]);
    expect(roundRatios(measured, baseline, 10)).toHaveLength(6);
  });
});
