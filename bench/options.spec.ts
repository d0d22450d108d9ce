import { UsageError } from './command-line';
import { parseBenchArgs, poolSizes } from './options';

describe(parseBenchArgs.name, () => {
  it('has the defaults of the issue', () => {
    expect(parseBenchArgs([], true)).toMatchObject({
      letters: 100_000,
      officials: 1,
      workers: 2,
      connections: 10,
      concurrency: null,
      sink: 'smtp-sink',
      baseline: 'before',
      inFlight: 100,
      keep: false,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench',
      queuePrefix: 'qalam-bench',
    });
  });

  it('falls back on the node sink when smtp-sink is not installed, and refuses it by name', () => {
    expect(parseBenchArgs([], false)?.sink).toBe('node');
    expect(() => parseBenchArgs(['--sink', 'smtp-sink'], false)).toThrow(UsageError);
  });

  it('reads figures written with separators', () => {
    expect(parseBenchArgs(['--letters', '1_000_000', '--officials', '4', '--workers', '3', '--keep'], true)).toMatchObject({ letters: 1_000_000, officials: 4, workers: 3, keep: true });
    expect(parseBenchArgs(['--letters', '20,000'], true)?.letters).toBe(20_000);
  });

  it.each([
    [['--letters', '0']],
    [['--letters', 'many']],
    [['--officials', '201']],
    [['--workers', '4', '--connections', '3']],
    [['--baseline', 'sometimes']],
    [['--database-url', 'postgres://postgres@127.0.0.1:5432/qalam']],
    [['--queue-prefix', 'qalam']],
    [['--unknown']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchArgs(argv, true)).toThrow(UsageError);
  });

  it('passes node flags on to the qalam processes', () => {
    expect(parseBenchArgs(['--node-options=--prof  --max-old-space-size=256'], true)?.nodeOptions).toEqual(['--prof', '--max-old-space-size=256']);
    expect(parseBenchArgs([], true)?.nodeOptions).toEqual([]);
  });

  it('returns null for --help', () => {
    expect(parseBenchArgs(['--help'], true)).toBeNull();
  });
});

describe(poolSizes.name, () => {
  it('shares the connections out among the workers', () => {
    expect(poolSizes(10, 2)).toEqual([5, 5]);
    expect(poolSizes(10, 3)).toEqual([4, 3, 3]);
    expect(poolSizes(1, 1)).toEqual([1]);
  });
});
