import 'reflect-metadata';
import { createApp } from './create-app';
import { APP_NAME, loadGatewayConfig } from './config';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createApp(config);
  await app.listen(config.KAM_HTTP_PORT, config.KAM_HTTP_HOST);
}

main().catch((e: unknown) => {
  process.stderr.write(`[${APP_NAME}] failed to start: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
