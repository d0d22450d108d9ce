import 'reflect-metadata';
import { ConfigError } from '../config/config';
import { configFromEnvironment } from '../config/env';
import { createDataSource } from '../database/data-source';
import { ensureDatabase } from '../database/ensure-database';

/** Runs pending migrations and exits; the app also runs them at start. */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  await ensureDatabase(config.databaseUrl);
  const dataSource = await createDataSource(config.databaseUrl).initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length > 0 ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'Schema is up to date');
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
