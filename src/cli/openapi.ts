import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config';
import { openApiDocument } from '../openapi';

/**
 * Writes the OpenAPI document the API serves at /api/docs-json to a file, for `redocly lint`
 * in `npm run lint`. Nest's preview mode reads the modules without creating a provider, so
 * nothing connects to Postgres or Redis and no worker starts.
 */
async function main(): Promise<void> {
  const [target] = process.argv.slice(2);
  if (!target) throw new Error('usage: node dist/cli/openapi.js <file.json>');
  const app = await NestFactory.create(AppModule.forConfig(loadConfig({ QALAM_ROLE: 'api' })), { preview: true, logger: ['error'], abortOnError: false });
  const document = openApiDocument(app);
  await app.close();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
