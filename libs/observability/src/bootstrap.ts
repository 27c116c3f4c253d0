import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

/**
 * Starts a NATS service (no HTTP): logs through pino, stops gracefully on SIGTERM/SIGINT (drains NATS,
 * closes workers and the database pool).
 */
export async function bootstrapService(
  name: string,
  module: Type<unknown>,
): Promise<INestApplicationContext> {
  try {
    const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks(undefined, { useProcessExit: true });
    await app.init();
    app.get(Logger).log(`${name} ready (pid ${process.pid})`);
    return app;
  } catch (e) {
    process.stderr.write(`[${name}] failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}
