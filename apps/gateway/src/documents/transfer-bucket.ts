import { Injectable } from '@nestjs/common';
import { nanos, ObjectStore, StorageType } from 'nats';
import { DOCUMENT_TRANSFER_BUCKET, DOCUMENT_TRANSFER_TTL_MS, KamError } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';

/**
 * The gateway's side of the document transfer bucket (ADR 0010): a JetStream object store with memory storage
 * and a short TTL; uploads are put here for document-security to take, downloads are taken from here.
 */
@Injectable()
export class GatewayTransferBucket {
  private store?: Promise<ObjectStore>;

  constructor(private readonly nats: NatsConnectionService) {}

  private open(): Promise<ObjectStore> {
    this.store ??= (async () => {
      const nc = await this.nats.connection();
      return nc.jetstream().views.os(DOCUMENT_TRANSFER_BUCKET, {
        storage: StorageType.Memory,
        ttl: nanos(DOCUMENT_TRANSFER_TTL_MS),
      });
    })().catch((e: Error) => {
      this.store = undefined;
      throw new KamError('service_unavailable', { service: 'document-transfer', reason: e.message });
    });
    return this.store;
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    const os = await this.open();
    await os.putBlob({ name }, data);
  }

  async take(name: string): Promise<Buffer | null> {
    const os = await this.open();
    try {
      const data = await os.getBlob(name);
      return data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : null;
    } finally {
      await os.delete(name).catch(() => undefined);
    }
  }

  async discard(name: string): Promise<void> {
    const os = await this.open();
    await os.delete(name).catch(() => undefined);
  }
}
