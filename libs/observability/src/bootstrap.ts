import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoNestLogger } from './logging';

/**
 * Starts a NATS service (no HTTP): logs through pino, stops gracefully on SIGTERM/SIGINT (drains NATS,
 * closes workers and the database pool).
 */
export async function bootstrapService(
  name: string,
  module: Type<unknown>,
  logLevel: string,
): Promise<INestApplicationContext> {
  try {
    const logger = new PinoNestLogger(createLogger(name, logLevel));
    const app = await NestFactory.createApplicationContext(module, { logger });
    app.enableShutdownHooks(undefined, { useProcessExit: true });
    await app.init();
    logger.log(`${name} ready (pid ${process.pid})`, 'bootstrap');
    return app;
  } catch (e) {
    process.stderr.write(`[${name}] failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}
