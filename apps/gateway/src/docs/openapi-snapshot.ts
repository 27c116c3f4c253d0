import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayModule } from '../app.module';
import { gatewaySchema, loadConfig } from '@app/config';
import { GATEWAY_CONFIG } from '../config';
import { buildOpenApiDocument } from './api-docs';

/**
 * The gateway's OpenAPI document without any server: the gateway's controllers in a module whose providers
 * are empty stand-ins (nothing connects to PostgreSQL, Redis or NATS). Used by `npm run docs` and its test only;
 * @nestjs/testing is a development dependency.
 */
export async function openApiSnapshot(opts: { committed?: boolean } = {}): Promise<OpenAPIObject> {
  // The defaults of every variable; the URL below is never connected to.
  const config = loadConfig(gatewaySchema, { KAM_DATABASE_URL: 'postgres://docs@127.0.0.1:1/docs' });
  const controllers = GatewayModule.register(config).controllers ?? [];
  const moduleRef = await Test.createTestingModule({ controllers })
    .useMocker((token) => (token === GATEWAY_CONFIG ? config : {}))
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  try {
    return buildOpenApiDocument(app, opts);
  } finally {
    await app.close();
  }
}
