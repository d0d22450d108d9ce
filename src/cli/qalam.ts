#!/usr/bin/env node
import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../config/config';
import { configFromEnvironment } from '../config/env';
import { DomainError } from '../common/errors';
import { createDataSource } from '../database/data-source';
import { ensureDatabase } from '../database/ensure-database';
import { DkimGenerateError, generateDkimKey } from './dkim-generate';
import { ImportReport } from '../supporters/dto/supporter.dto';
import { IMPORT_COLUMNS, importSupporters } from '../supporters/supporter-import';

const USAGE = `Usage: qalam import supporters FILE.csv [--json] [--no-progress]
       qalam dkim generate --domain DOMAIN [--selector NAME] [--out FILE] [--bits N] [--force]

Imports members from a CSV file with a header row naming the columns
${IMPORT_COLUMNS.join(', ')} (email, name and country are required).
Good rows are kept; bad rows are reported by line number. Existing members are
updated; coordinators and admins are never changed. DATABASE_URL names the
database (migrated first, as at start-up).

  --json         print the report as JSON on standard output
  --no-progress  no progress bar on standard error

Exit status: 0 when every row was imported, 2 when some rows were reported,
1 when the file could not be imported at all, 64 on a usage error.

dkim generate writes an RSA private key for signing outgoing mail (PKCS#8 PEM,
mode 0600) and prints the DNS TXT record to publish and the settings to use it.

  --domain DOMAIN  the signing domain (d=): MAIL_FROM's domain or a parent
  --selector NAME  the key's selector (s=), default qalam
  --out FILE       default ./var/dkim/<selector>.private.pem
  --bits N         RSA key size, default 2048
  --force          replace FILE if it exists`;

/** Why the command cannot run as asked: print the usage, exit 64 (EX_USAGE). */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'dkim') return dkimCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'no-progress': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, what, file, ...extra] = parsed.positionals;
  if (command !== 'import' || what !== 'supporters' || !file || extra.length > 0) throw new UsageError(command ? `unknown command: ${parsed.positionals.join(' ')}` : 'no command given');
  return importCommand(file, { json: parsed.values.json === true, progress: parsed.values['no-progress'] !== true });
}

async function dkimCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        domain: { type: 'string' },
        selector: { type: 'string', default: 'qalam' },
        out: { type: 'string' },
        bits: { type: 'string', default: '2048' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'generate') throw new UsageError(`unknown command: dkim ${parsed.positionals.join(' ')}`.trim());
  if (!parsed.values.domain) throw new UsageError('dkim generate needs --domain');
  if (!/^\d+$/.test(parsed.values.bits)) throw new UsageError('--bits must be a number');
  let made;
  try {
    made = await generateDkimKey({ domain: parsed.values.domain, selector: parsed.values.selector, file: parsed.values.out, bits: Number(parsed.values.bits), force: parsed.values.force });
  } catch (error) {
    if (error instanceof DkimGenerateError) throw new UsageError(error.message);
    throw error;
  }
  console.log(`Private key written to ${made.file} (mode 0600). Keep it secret; never commit it.`);
  console.log('');
  console.log('Publish this DNS record:');
  console.log('');
  console.log(made.record);
  console.log('');
  console.log('Then set:');
  console.log('');
  for (const line of made.env) console.log(line);
  return 0;
}

async function importCommand(file: string, options: { json: boolean; progress: boolean }): Promise<number> {
  const size = (await stat(file)).size;
  const config = configFromEnvironment();
  await ensureDatabase(config.databaseUrl);
  const dataSource = await createDataSource(config.databaseUrl).initialize();
  // The bar goes to standard error, the report to standard output: `--json > report.json` stays clean.
  const bar = options.progress
    ? new SingleBar({
        format: 'Importing |{bar}| {percentage}% | {rows} rows | {created} created, {updated} updated, {errors} reported',
        stream: process.stderr,
        // Off a terminal (a pipe, CI) the bar prints a line now and then instead of redrawing.
        noTTYOutput: true,
        notTTYSchedule: 1000,
        hideCursor: true,
      })
    : null;
  bar?.start(Math.max(size, 1), 0, { rows: 0, created: 0, updated: 0, errors: 0 });
  let report: ImportReport;
  try {
    report = await importSupporters(dataSource.manager, createReadStream(file), {
      onProgress: (progress) => bar?.update(progress.bytes, { rows: progress.rows, created: progress.created, updated: progress.updated, errors: progress.errors }),
    });
    bar?.update(Math.max(size, 1));
  } finally {
    bar?.stop();
    await dataSource.destroy();
  }
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`${file}: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.errors.length} rows reported`);
    for (const error of report.errors) console.log(`  line ${error.line}: ${error.message}`);
  }
  return report.errors.length > 0 ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`qalam: ${error.message}\n\n${USAGE}`);
      process.exit(64);
    }
    // A configuration problem, an unreadable file or header: the reason, never a row's data.
    const message = error instanceof ConfigError || error instanceof DomainError ? error.message : (error as { code?: string }).code === 'ENOENT' ? `no such file: ${(error as { path?: string }).path}` : (error as Error).message;
    console.error(`qalam: ${message}`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
