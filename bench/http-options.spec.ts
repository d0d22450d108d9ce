import { UsageError } from './command-line';
import { HTTP_USAGE, membersNeeded, parseHttpArgs } from './http-options';
import { benchMode } from './print-options';

describe('http bench options', () => {
  it('is chosen by --mode http, with the issue defaults: 25,000 members, 10 connections, 5 s, 3 rounds after 5 s of warm-up, a burst of 10,000 over 60 s', () => {
    const { mode, rest } = benchMode(['--mode=http', '--rounds', '2']);
    expect(mode).toBe('http');
    expect(rest).toEqual(['--rounds', '2']);
    expect(parseHttpArgs([])).toEqual({
      members: 25_000,
      connections: 10,
      duration: 5,
      rounds: 3,
      warmup: 5,
      burst: 10_000,
      burstSeconds: 60,
      burstInFlight: 50,
      targets: ['me', 'join', 'sign-page', 'sign-post', 'console-list', 'console-record'],
      keep: false,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_http',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'qalam-bench-http',
    });
  });

  it('reads its flags, with separators in figures', () => {
    expect(parseHttpArgs(['--duration', '2', '--rounds', '1', '--members', '14,000', '--burst', '2_000', '--burst-seconds', '15', '--burst-in-flight', '20', '--connections', '4', '--warmup', '0'])).toMatchObject({
      members: 14_000,
      duration: 2,
      rounds: 1,
      burst: 2_000,
      burstSeconds: 15,
      burstInFlight: 20,
      connections: 4,
      warmup: 0,
    });
    expect(parseHttpArgs(['--help'])).toBeNull();
    expect(HTTP_USAGE).toContain('--burst-seconds');
    expect(parseHttpArgs(['--targets', 'console-list,sign-page'])?.targets).toEqual(['sign-page', 'console-list']);
  });

  it('refuses bad flags, and too few members for the sign posts and the burst', () => {
    expect(() => parseHttpArgs(['--duration', '0'])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--targets', 'sign-page,everything'])).toThrow('not everything');
    expect(() => parseHttpArgs(['--targets', ','])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--burst', 'many'])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--requests', '5'])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--queue-prefix', 'qalam'])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--database-url', 'postgres://postgres@127.0.0.1/qalam'])).toThrow(UsageError);
    expect(() => parseHttpArgs(['--warmup', '-1'])).toThrow(UsageError);
    expect(membersNeeded({ burst: 10_000, rounds: 3, duration: 5, warmup: 5 })).toBe(24_000);
    expect(membersNeeded({ burst: 10_000, rounds: 3, duration: 5, warmup: 0 })).toBe(21_000);
    expect(() => parseHttpArgs(['--members', '23999'])).toThrow(/at least 24000/);
    expect(parseHttpArgs(['--members', '24000'])?.members).toBe(24_000);
    expect(parseHttpArgs(['--members', '21000', '--warmup', '0'])?.members).toBe(21_000);
  });
});
