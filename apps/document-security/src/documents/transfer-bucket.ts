import { Injectable } from '@nestjs/common';
import { nanos, ObjectStore, StorageType } from 'nats';
import { DOCUMENT_TRANSFER_BUCKET, DOCUMENT_TRANSFER_TTL_MS } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';

/**
 * The JetStream object store that carries document bytes between the gateway and this service (ADR 0010):
 * memory storage (never on disk), entries expire after a short TTL, each is deleted by its reader.
 */
@Injectable()
export class TransferBucket {
  private store?: Promise<ObjectStore>;

  constructor(private readonly nats: NatsConnectionService) {}

  private open(): Promise<ObjectStore> {
    this.store ??= (async () => {
      const nc = await this.nats.connection();
      return nc.jetstream().views.os(DOCUMENT_TRANSFER_BUCKET, {
        storage: StorageType.Memory,
        ttl: nanos(DOCUMENT_TRANSFER_TTL_MS),
      });
    })().catch((e) => {
      this.store = undefined;
      throw e;
    });
    return this.store;
  }

  /** Reads an upload and removes it; null when it is not there (expired, or never written). */
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

  async put(name: string, data: Uint8Array): Promise<void> {
    const os = await this.open();
    await os.putBlob({ name }, data);
  }
}
