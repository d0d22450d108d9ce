import { oneOf, parseCommandLine, serviceOptions, serviceUsage, UsageError, wholeNumber } from './command-line';

const DEFAULTS = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_x', queuePrefix: 'qalam-bench-x' };

describe(parseCommandLine.name, () => {
  it("reads the program's flags and the shared ones", () => {
    expect(parseCommandLine(['--letters', '5', '--keep', '--redis-url', 'redis://h:1'], ['letters'])).toEqual({
      values: { letters: '5', 'redis-url': 'redis://h:1' },
      keep: true,
      help: false,
    });
    expect(parseCommandLine(['--help'], []).help).toBe(true);
  });

  it.each([[['--letters', '5']], [['positional']], [['--keep=yes']]])('refuses %j when the program does not take it', (argv) => {
    expect(() => parseCommandLine(argv, [])).toThrow(UsageError);
  });
});

describe(wholeNumber.name, () => {
  it('reads figures with separators, and falls back when the flag is absent', () => {
    expect(wholeNumber('letters', '1_000,000', 7, 1, 10_000_000)).toBe(1_000_000);
    expect(wholeNumber('letters', undefined, 7, 1, 10)).toBe(7);
    expect(wholeNumber('warmup', '0', 20, 0, 10)).toBe(0);
  });

  it.each(['many', '-1', '1.5', '11'])('refuses %s for 0 to 10, naming the flag', (value) => {
    expect(() => wholeNumber('warmup', value, 1, 0, 10)).toThrow(/--warmup/);
  });
});

describe(oneOf.name, () => {
  it('takes a listed value or the fallback', () => {
    expect(oneOf('sink', 'node', ['smtp-sink', 'node'], 'smtp-sink')).toBe('node');
    expect(oneOf('sink', undefined, ['smtp-sink', 'node'], 'smtp-sink')).toBe('smtp-sink');
    expect(() => oneOf('sink', 'mailpit', ['smtp-sink', 'node'], 'smtp-sink')).toThrow('--sink must be one of smtp-sink, node');
  });
});

describe(serviceOptions.name, () => {
  it('has the defaults it is given', () => {
    expect(serviceOptions(parseCommandLine([], []), DEFAULTS)).toEqual({ keep: false, ...DEFAULTS, redisUrl: 'redis://127.0.0.1:6379' });
  });

  it.each([
    [['--database-url', 'mysql://127.0.0.1/qalam_bench']],
    [['--database-url', 'postgres://127.0.0.1/qalam']],
    [['--redis-url', 'http://127.0.0.1:6379']],
    [['--queue-prefix', 'qalam']],
    [['--queue-prefix', 'qalam:bench']],
  ])('refuses %j: the run drops the database and deletes the keys', (argv) => {
    expect(() => serviceOptions(parseCommandLine(argv, []), DEFAULTS)).toThrow(UsageError);
  });

  it('names the defaults in the usage', () => {
    expect(serviceUsage(DEFAULTS, 'the logs')).toContain('(default qalam-bench-x)');
  });
});
