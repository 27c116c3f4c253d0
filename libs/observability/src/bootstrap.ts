import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoNestLogger } from './logging';
import { startMetricsServer } from './metrics';

/**
 * Starts a NATS service (no API over HTTP): logs through pino, stops gracefully on SIGTERM/SIGINT (drains NATS,
 * closes workers and the database pool). With a metrics port, a small HTTP listener serves GET /metrics only.
 */
export async function bootstrapService(
  name: string,
  module: Type<unknown>,
  logLevel: string,
  opts: { metricsPort?: number; metricsHost?: string } = {},
): Promise<INestApplicationContext> {
  try {
    const logger = new PinoNestLogger(createLogger(name, logLevel));
    const app = await NestFactory.createApplicationContext(module, { logger });
    app.enableShutdownHooks(undefined, { useProcessExit: true });
    await app.init();
    if (opts.metricsPort !== undefined) {
      const host = opts.metricsHost ?? '127.0.0.1';
      const server = await startMetricsServer(opts.metricsPort, host);
      const close = app.close.bind(app);
      app.close = async () => {
        server.close();
        server.closeAllConnections();
        await close();
      };
      logger.log(`metrics on http://${host}:${opts.metricsPort}/metrics`, 'bootstrap');
    }
    logger.log(`${name} ready (pid ${process.pid})`, 'bootstrap');
    return app;
  } catch (e) {
    process.stderr.write(`[${name}] failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}
