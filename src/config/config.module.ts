import { Module } from '@nestjs/common';
import { QALAM_CONFIG, QalamConfig } from './config';

/** The configuration of the app being built; set by `ConfigModule.bind` just before Nest builds it. */
let bound: QalamConfig | null = null;

/**
 * The validated configuration as a provider. Not global: every module that injects
 * QALAM_CONFIG imports ConfigModule, so its dependencies show. The value is bound once per
 * app, by the code that builds it (createQalam builds one app at a time), and read when
 * Nest instantiates the provider.
 */
@Module({
  providers: [
    {
      provide: QALAM_CONFIG,
      useFactory: (): QalamConfig => {
        if (!bound) throw new Error('ConfigModule.bind(config) must be called before the app is built');
        return bound;
      },
    },
  ],
  exports: [QALAM_CONFIG],
})
export class ConfigModule {
  static bind(config: QalamConfig): typeof ConfigModule {
    bound = config;
    return ConfigModule;
  }
}
