import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { elapsedSince } from './net';
import { BareLetter, BarePreparation, writeBarePdfs } from './print-bare';
import { defaultAppealTemplates, renderedLetters } from './print-letters';
import { loadQalam } from './print-qalam';
import { ROOT } from './qalam-processes';

/*
 * One child of a print round, run by print.ts as `node print-child.js <kind> <letters>
 * <paper> <dir> <result.json>`: `qalam` (the letters rendered and written by writeLetterRun)
 * or `bare` (pdfkit alone). Its own process, so its peak RSS is its own; it writes what it
 * measured to result.json.
 */

export type PrintChildKind = 'qalam' | 'bare';

export const ORG = { orgName: 'Qalam Letter-Writing Group', orgPostalAddress: '12 Rue des Lilas\n75011 Paris\nFRANCE' };

export interface PrintChildResult {
  kind: PrintChildKind;
  letters: number;
  /** Every page written: letter pages + envelope pages, as the writer counted them. */
  pages: number;
  /** Pages of letters.pdf (qalam) or of the bare letters PDF. */
  letterPages: number;
  /** Pages of envelopes.pdf (qalam) or of the bare envelopes PDF: one DL envelope per letter. */
  envelopePages: number;
  /** Seconds before the clock: loading, templates; for the bare loop, every text made ready. */
  setupSeconds: number;
  /** The timed part: from the first letter to the last byte handed to the files. */
  seconds: number;
  pagesPerSecond: number;
  /** CPU seconds (user + system) of the timed part. */
  cpuSeconds: number;
  bytes: Record<string, number>;
  /** The process's peak resident set (VmHWM), MB. */
  peakRssMb: number;
  files: Record<string, string>;
}

/** VmHWM of this process in kB (the peak over its life), or getrusage's maxRSS without /proc. */
async function peakRssKb(): Promise<number> {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(await readFile('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const cpuSecondsOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

async function main(): Promise<void> {
  const [kind, lettersArg, paperArg, dir, resultFile] = process.argv.slice(2);
  if ((kind !== 'qalam' && kind !== 'bare') || !/^\d+$/.test(lettersArg ?? '') || (paperArg !== 'A4' && paperArg !== 'LETTER') || !dir || !resultFile) {
    throw new Error('usage: print-child.js qalam|bare <letters> A4|LETTER <dir> <result.json>');
  }
  const letters = Number(lettersArg);
  const setupStarted = process.hrtime.bigint();
  const qalam = loadQalam();
  const renderer = new qalam.renderer.LetterRendererService(new qalam.templateCache.TemplateCacheService());
  const templates = defaultAppealTemplates(qalam, join(ROOT, 'templates'));

  let figures: Pick<PrintChildResult, 'pages' | 'letterPages' | 'envelopePages' | 'files'>;
  let setupSeconds: number;
  let started: bigint;
  let cpuBefore: NodeJS.CpuUsage;
  if (kind === 'qalam') {
    const files = { letters: join(dir, 'letters.pdf'), envelopes: join(dir, 'envelopes.pdf'), manifest: join(dir, 'manifest.csv') };
    setupSeconds = elapsedSince(setupStarted);
    cpuBefore = process.cpuUsage();
    started = process.hrtime.bigint();
    const counts = await qalam.printRun.writeLetterRun(
      renderedLetters(letters, qalam, renderer, templates, ORG.orgName),
      { letters: createWriteStream(files.letters), envelopes: createWriteStream(files.envelopes), manifest: createWriteStream(files.manifest) },
      { ...ORG, paperSize: paperArg, envelopeFormat: 'DL' },
    );
    if (counts.letters !== letters) throw new Error(`writeLetterRun printed ${counts.letters} letters of ${letters}`);
    figures = { pages: counts.pages + counts.envelopePages, letterPages: counts.pages, envelopePages: counts.envelopePages, files };
  } else {
    // Every text is made before the clock starts, by the same road as qalam's, so the loop draws the same letters.
    const preparation = new BarePreparation(qalam);
    const layout = preparation.layout(paperArg, ORG.orgName, ORG.orgPostalAddress);
    const ready: BareLetter[] = [];
    for await (const letter of renderedLetters(letters, qalam, renderer, templates, ORG.orgName)) ready.push(preparation.letter(letter, layout));
    const files = { letters: join(dir, 'bare-letters.pdf'), envelopes: join(dir, 'bare-envelopes.pdf') };
    setupSeconds = elapsedSince(setupStarted);
    cpuBefore = process.cpuUsage();
    started = process.hrtime.bigint();
    const drawn = await writeBarePdfs(ready, files, layout);
    figures = { pages: drawn.letterPages + drawn.envelopePages, ...drawn, files };
  }
  const seconds = elapsedSince(started);
  const cpuSeconds = cpuSecondsOf(process.cpuUsage(cpuBefore));

  const bytes: Record<string, number> = {};
  for (const [name, file] of Object.entries(figures.files)) bytes[name] = (await stat(file)).size;
  const result: PrintChildResult = {
    kind,
    letters,
    ...figures,
    setupSeconds,
    seconds,
    pagesPerSecond: figures.pages / seconds,
    cpuSeconds,
    bytes,
    peakRssMb: Math.round((await peakRssKb()) / 102.4) / 10,
  };
  await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
