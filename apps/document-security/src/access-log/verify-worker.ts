import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { verifyRange } from './verify-range';

/**
 * A worker thread that verifies one range of a workspace's access-log chain on a connection of its own, so that a
 * long chain is hashed on two cores (AccessLogService.verifyWorkspace). Input: workerData; output: one message,
 * `{ ok: true, result }` or `{ ok: false, error }`. Reads only; the connection is the service's own role.
 */
export interface VerifyWorkerInput {
  url: string;
  /** libpq options, e.g. `-c search_path=document_security`. */
  options?: string;
  workspaceId: string;
  from: number;
  to: number;
}

async function main(input: VerifyWorkerInput): Promise<void> {
  const client = new Client({
    connectionString: input.url,
    options: input.options,
    application_name: 'document-security verify',
  });
  await client.connect();
  try {
    const result = await verifyRange(client, input.workspaceId, input.from, input.to, 'first');
    parentPort?.postMessage({ ok: true, result });
  } finally {
    await client.end();
  }
}

main(workerData as VerifyWorkerInput).catch((e: unknown) =>
  parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
