import { UsageError } from './command-line';
import { parseInboundArgs } from './inbound-options';
import { benchMode } from './print-options';

describe('inbound bench options', () => {
  it('is chosen by --mode inbound, with the issue defaults: 10,000 DSNs, 3 rounds, 8 client connections', () => {
    const { mode, rest } = benchMode(['--mode', 'inbound']);
    expect(mode).toBe('inbound');
    expect(parseInboundArgs(rest)).toMatchObject({ messages: 10_000, rounds: 3, clients: 8, officials: 100, keep: false, databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_inbound' });
  });

  it('reads its flags and refuses bad ones', () => {
    expect(parseInboundArgs(['--messages', '500', '--rounds', '1', '--clients', '4'])).toMatchObject({ messages: 500, rounds: 1, clients: 4 });
    expect(parseInboundArgs(['--help'])).toBeNull();
    expect(() => parseInboundArgs(['--messages', '0'])).toThrow(UsageError);
    expect(() => parseInboundArgs(['--database-url', 'postgres://postgres@127.0.0.1/qalam'])).toThrow(UsageError);
  });
});
