import { UsageError } from './command-line';
import { benchMode, parsePrintArgs, PRINT_DEFAULTS } from './print-options';

describe(benchMode.name, () => {
  it('runs the delivery bench when no mode is given, passing every flag on', () => {
    expect(benchMode(['--letters', '2000', '--keep'])).toEqual({ mode: 'delivery', rest: ['--letters', '2000', '--keep'] });
    expect(benchMode([])).toEqual({ mode: 'delivery', rest: [] });
  });

  it('takes --mode out wherever it stands, in both spellings', () => {
    expect(benchMode(['--mode', 'print', '--letters', '500'])).toEqual({ mode: 'print', rest: ['--letters', '500'] });
    expect(benchMode(['--letters', '500', '--mode=print'])).toEqual({ mode: 'print', rest: ['--letters', '500'] });
    expect(benchMode(['--mode', 'delivery'])).toEqual({ mode: 'delivery', rest: [] });
  });

  it.each([[['--mode']], [['--mode', '--letters', '5']], [['--mode', 'printing']], [['--mode', 'print', '--mode=print']]])('refuses %j', (argv) => {
    expect(() => benchMode(argv)).toThrow(UsageError);
  });
});

describe(parsePrintArgs.name, () => {
  it('has the defaults of the issue: 50,000 letters, 3 rounds, A4', () => {
    expect(parsePrintArgs([])).toEqual({ letters: 50_000, rounds: 3, paper: 'A4', nodeOptions: [], keep: false });
    expect(PRINT_DEFAULTS).toEqual({ letters: 50_000, rounds: 3, paper: 'A4' });
  });

  it('reads figures written with separators, and the paper in any case', () => {
    expect(parsePrintArgs(['--letters', '2,000', '--rounds', '1', '--paper', 'Letter', '--keep'])).toEqual({ letters: 2_000, rounds: 1, paper: 'letter', nodeOptions: [], keep: true });
    expect(parsePrintArgs(['--paper', 'a4'])?.paper).toBe('A4');
  });

  it('passes node flags on to the qalam child', () => {
    expect(parsePrintArgs(['--node-options=--cpu-prof  --cpu-prof-dir=prof'])?.nodeOptions).toEqual(['--cpu-prof', '--cpu-prof-dir=prof']);
  });

  it.each([[['--letters', '0']], [['--rounds', '0']], [['--rounds', 'many']], [['--paper', 'A3']], [['--officials', '2']], [['--database-url', 'postgres://x/qalam_bench']], [['extra']]])('refuses %j', (argv) => {
    expect(() => parsePrintArgs(argv)).toThrow(UsageError);
  });

  it('returns null for --help', () => {
    expect(parsePrintArgs(['--help'])).toBeNull();
  });
});
