import type { Queue } from 'bullmq';

/**
 * Whether the queue's Redis connection is up right now. A request that enqueues a job and waits for it checks
 * this first and answers 503 at once while Redis is away, instead of waiting in the client's offline queue
 * until Redis returns (a hang, seen by the fault suite: test/e2e/faults-load.e2e-spec.ts).
 */
export async function queueReachable(queue: Queue): Promise<boolean> {
  const client = await queue.client;
  return client.status === 'ready';
}
