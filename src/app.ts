import { INestApplication, INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { afterStaffChanges, bodyParsing, compressionIfAccepted, pageCookies } from './common/http-pipeline';
import { ChangeNoticesService } from './database/change-notices.service';
import { CYCLE_CONTENT_CHANNEL } from './cycles/cycle-content.service';
import { JsonLogger, levelsFrom } from './common/logging/json-logger';
import { requestLogging } from './common/logging/request-logging';
import { groupRoutesByFirstSegment } from './common/route-groups';
import { QalamConfig } from './config/config';
import { ensureDatabase } from './database/ensure-database';
import { mountQueueBoard } from './operations/queue-board';
import { openApiDocument } from './openapi';

export type QalamApp = { kind: 'http'; app: INestApplication } | { kind: 'worker'; app: INestApplicationContext };

/** Apps are built one at a time: ConfigModule reads the configuration bound for the app being built. */
let building: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(build: () => Promise<T>): Promise<T> {
  const next = building.then(build, build);
  building = next.catch(() => undefined);
  return next;
}

/** Builds qalam for its role: an HTTP app (api or all), or a worker or inbound listener without HTTP. */
export async function createQalam(config: QalamConfig): Promise<QalamApp> {
  await ensureDatabase(config.databaseUrl);
  // Every role logs JSON lines to stdout at LOG_LEVEL.
  const logger = new JsonLogger(levelsFrom(config.logLevel));
  if (config.role === 'worker' || config.role === 'inbound') {
    const app = await oneAtATime(() => NestFactory.createApplicationContext(AppModule.forConfig(config), { logger }));
    app.enableShutdownHooks();
    return { kind: 'worker', app };
  }
  const app = await oneAtATime(() => NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), { logger, bodyParser: false }));
  // First: every later middleware, guard and handler logs under this request's id.
  app.use(requestLogging(logger));
  // Each skips a request it has nothing to do for (src/common/http-pipeline.ts): compression,
  // the pages' cookies, then the bodies (JSON, CSV, forms) in one layer.
  app.use(compressionIfAccepted());
  app.use(pageCookies());
  app.use(bodyParsing());
  // A coordinator's edit shows on the very next signing page this process serves (other processes: on the table's notice).
  const notices = app.get(ChangeNoticesService);
  app.use(afterStaffChanges(() => notices.changedHere(CYCLE_CONTENT_CHANNEL)));
  // Bull Board at /admin/queues, admins only (Bearer header or the cookie from POST /admin/session).
  mountQueueBoard(app);
  app.disable('x-powered-by');
  // No ETag: pages are no-store and API answers are each caller's own, so nothing revalidates
  // them, and Express would hash every body to make one.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.enableShutdownHooks();
  // The contract, generated from the controllers and DTOs: UI at /api/docs, JSON at /api/docs-json.
  SwaggerModule.setup('api/docs', app, openApiDocument(app), { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml' });
  // The routes are registered at init: then each request is tried only against the routes of its path's first segment.
  await app.init();
  groupRoutesByFirstSegment(app.getHttpAdapter().getInstance());
  return { kind: 'http', app };
}

export async function startQalam(config: QalamConfig): Promise<QalamApp> {
  const qalam = await createQalam(config);
  if (qalam.kind === 'http') {
    await qalam.app.listen(config.port);
    new Logger('qalam').log(`Listening on port ${config.port} as role ${config.role}`);
  } else {
    await qalam.app.init();
    new Logger('qalam').log(config.role === 'inbound' ? `Inbound SMTP listener on port ${config.inboundSmtpPort}` : 'Worker started');
  }
  return qalam;
}
