import 'reflect-metadata';
import { startQalam } from './app';
import { ConfigError } from './config/config';
import { configFromEnvironment } from './config/env';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  await startQalam(config);
}

main().catch((error: unknown) => {
  console.error('qalam failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
