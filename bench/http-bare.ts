import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** A supporter record's size and shape, fixed: what GET /api/me answers, without the work of finding it. */
const SUPPORTER = {
  id: '0b8f5a52-3c7e-4d2b-9a61-5f0e1c2d3a4b',
  email: 'amina.okafor@members.example',
  name: 'Amina Okafor',
  country: 'GB',
  role: 'member',
  language: 'en',
  createdAt: '2026-01-15T09:30:00.000Z',
};

@Controller()
class BareController {
  @Get('bare')
  bare() {
    return SUPPORTER;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/**
 * The bare side of the http bench: a NestJS application from the project's own packages
 * (@nestjs/core, @nestjs/common, @nestjs/platform-express), one route, GET /bare, answering
 * a fixed JSON object: no guard, no pipe, no database. Listens on 127.0.0.1:argv[2].
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const app = await NestFactory.create(BareModule, { logger: false });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  console.log(`bare NestJS route on ${port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
