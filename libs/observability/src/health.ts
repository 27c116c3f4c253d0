import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PingReply } from '@app/contracts';

const started = Date.now();

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a service reports when pinged: its own PostgreSQL and Redis connections. */
export async function checkDependencies(service: string, ds: DataSource, queue?: Queue): Promise<PingReply> {
  const checks: Record<string, 'up' | 'down'> = {};
  try {
    await within(1500, ds.query('SELECT 1'));
    checks.postgres = 'up';
  } catch {
    checks.postgres = 'down';
  }
  if (queue) {
    try {
      const client = (await within(1500, queue.client)) as unknown as { ping(): Promise<string> };
      await within(1500, client.ping());
      checks.redis = 'up';
    } catch {
      checks.redis = 'down';
    }
  }
  const allUp = Object.values(checks).every((c) => c === 'up');
  return {
    service,
    status: allUp ? 'up' : 'degraded',
    checks,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
  };
}
