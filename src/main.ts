import 'reflect-metadata';
import { startQalam } from './app';
import { JsonLogger, LOG_LEVELS } from './common/logging/json-logger';
import { ConfigError } from './config/config';
import { configFromEnvironment } from './config/env';

/** Before the configuration is read, failures still go out as JSON lines on stdout. */
const bootLogger = new JsonLogger(LOG_LEVELS);

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLogger.fatal(error.message, 'qalam');
      process.exit(78);
    }
    throw error;
  }
  await startQalam(config);
}

main().catch((error: unknown) => {
  bootLogger.fatal(`qalam failed to start: ${error instanceof Error ? error.message : String(error)}`, 'qalam');
  process.exit(1);
});
