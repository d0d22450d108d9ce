import { parseCommandLine, ServiceOptions, serviceOptions, serviceUsage, wholeNumber } from './command-line';

/** What one run of `npm run bench -- --mode inbound` does; every field is a flag. */
export interface InboundBenchOptions extends ServiceOptions {
  /** DSNs per round, each about its own letter. */
  messages: number;
  rounds: number;
  /** SMTP connections the loopback client keeps open, one message at a time on each. */
  clients: number;
  /** Officials the letters are spread over (each bounce suppresses and flags its official). */
  officials: number;
}

const INBOUND_DEFAULTS = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_inbound', queuePrefix: 'qalam-bench-inbound' };

export const INBOUND_USAGE = `usage: npm run bench -- --mode inbound [options]

  --messages N         DSNs per round, one per letter (default 10000)
  --rounds N           rounds of qalam's listener and a bare smtp-server (default 3)
  --clients N          SMTP connections of the loopback client (default 8)
  --officials N        officials the letters go to (default 100)
${serviceUsage(INBOUND_DEFAULTS, 'the database and the processes\' logs')}`;

/** Parses `npm run bench -- --mode inbound ...` (without --mode); null for --help. */
export function parseInboundArgs(argv: string[]): InboundBenchOptions | null {
  const line = parseCommandLine(argv, ['messages', 'rounds', 'clients', 'officials']);
  if (line.help) return null;
  return {
    messages: wholeNumber('messages', line.values.messages, 10_000, 1, 1_000_000),
    rounds: wholeNumber('rounds', line.values.rounds, 3, 1, 20),
    clients: wholeNumber('clients', line.values.clients, 8, 1, 64),
    officials: wholeNumber('officials', line.values.officials, 100, 1, 10_000),
    ...serviceOptions(line, INBOUND_DEFAULTS),
  };
}
