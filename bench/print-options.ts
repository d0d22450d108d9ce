import { parseArgs } from 'node:util';
import { oneOf, UsageError, wholeNumber } from './command-line';

/** Which program `npm run bench` runs: the delivery bench (the default), the print run, the inbound listener or the HTTP surfaces. */
export type BenchMode = 'delivery' | 'print' | 'inbound' | 'http';

/** Paper as the flag names it; qalam's PAPER_SIZE spells Letter `LETTER`. */
export type PrintPaper = 'A4' | 'letter';

/** What one run of `npm run bench -- --mode print` does; every field is a flag. */
export interface PrintBenchOptions {
  /** Letters of the print run (one page group each). */
  letters: number;
  /** Rounds, each one qalam child and one bare pdfkit child, one after the other. */
  rounds: number;
  paper: PrintPaper;
  /** Extra node flags for the qalam child, e.g. --cpu-prof (it runs in the work directory). */
  nodeOptions: string[];
  /** Keep the work directory (the children's logs and profiles; the PDFs go all the same). */
  keep: boolean;
}

export const PRINT_DEFAULTS = { letters: 50_000, rounds: 3, paper: 'A4' } as const;

export const PRINT_USAGE = `usage: npm run bench -- --mode print [options]

  --letters N          letters of the print run (default 50000)
  --rounds N           rounds of qalam's writeLetterRun and the bare pdfkit loop (default 3)
  --paper SIZE         A4 (default) or letter
  --node-options=F     node flags for the qalam child, e.g. --node-options=--cpu-prof
                       (it runs in the work directory: profiles land there; add --keep)
  --keep               keep the work directory (logs, profiles) afterwards; the PDFs
                       are deleted all the same
  --help               this text`;

/**
 * Takes `--mode M` (or `--mode=M`) out of `npm run bench`'s arguments: the mode, and the
 * rest for that mode's own parser. Without it the delivery bench runs, as it always did.
 */
export function benchMode(argv: readonly string[]): { mode: BenchMode; rest: string[] } {
  const rest: string[] = [];
  let mode: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    let value: string | undefined;
    if (arg === '--mode') {
      value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--mode needs a value: delivery, print, inbound or http');
      index += 1;
    } else if (arg.startsWith('--mode=')) {
      value = arg.slice('--mode='.length);
    } else {
      rest.push(arg);
      continue;
    }
    if (mode !== undefined) throw new UsageError('--mode is given twice');
    mode = value;
  }
  return { mode: oneOf<BenchMode>('mode', mode, ['delivery', 'print', 'inbound', 'http'], 'delivery'), rest };
}

/** Parses the print mode's flags (after benchMode took --mode out); null for --help. */
export function parsePrintArgs(argv: string[]): PrintBenchOptions | null {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        letters: { type: 'string' },
        rounds: { type: 'string' },
        paper: { type: 'string' },
        'node-options': { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return null;
  const text = (flag: string) => values[flag] as string | undefined;
  const paper = text('paper');
  return {
    letters: wholeNumber('letters', text('letters'), PRINT_DEFAULTS.letters, 1, 10_000_000),
    rounds: wholeNumber('rounds', text('rounds'), PRINT_DEFAULTS.rounds, 1, 100),
    // People write a4 and Letter too.
    paper: oneOf<PrintPaper>('paper', paper === undefined ? undefined : paper.toLowerCase() === 'a4' ? 'A4' : paper.toLowerCase(), ['A4', 'letter'], PRINT_DEFAULTS.paper),
    nodeOptions: (text('node-options') ?? '').split(/\s+/).filter((flag) => flag !== ''),
    keep: values.keep === true,
  };
}
