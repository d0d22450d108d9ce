import { loadConfig, QalamConfig } from './config';

/** The one place that reads process.env. */
export function configFromEnvironment(overrides: Record<string, string | undefined> = {}): QalamConfig {
  return loadConfig({ ...process.env, ...overrides });
}
