import { UsageError } from './command-line';
import { CONSOLE_DEFAULTS, LETTERS_PER_MEMBER, parseConsoleArgs } from './console-options';

describe(parseConsoleArgs.name, () => {
  it('has the defaults of the issue (100,000 members, 1,000,000 letters, 20 requests), in a database and prefix of its own', () => {
    const options = parseConsoleArgs([]);
    expect(options).toMatchObject({
      members: 100_000,
      requests: 20,
      warmup: 5,
      keep: false,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_console',
      queuePrefix: 'qalam-bench-console',
    });
    expect((options?.members ?? 0) * LETTERS_PER_MEMBER).toBe(1_000_000);
    expect(CONSOLE_DEFAULTS.databaseUrl).not.toMatch(/\/qalam_bench(_stats)?$/);
  });

  it('reads figures written with separators', () => {
    expect(parseConsoleArgs(['--members', '2,000', '--requests', '5', '--warmup', '0', '--keep'])).toMatchObject({ members: 2_000, requests: 5, warmup: 0, keep: true });
  });

  it.each([[['--members', '2010']], [['--members', '60']], [['--requests', '0']], [['--database-url', 'postgres://postgres@127.0.0.1:5432/qalam']], [['--unknown']]])('refuses %j', (argv) => {
    expect(() => parseConsoleArgs(argv)).toThrow(UsageError);
  });

  it('returns null for --help', () => {
    expect(parseConsoleArgs(['--help'])).toBeNull();
  });
});
