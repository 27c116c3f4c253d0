import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { JetStreamManager, nanos, ObjectInfo, ObjectStore, StorageType, StoredMsg } from 'nats';
import { DOCUMENT_TRANSFER_BUCKET, DOCUMENT_TRANSFER_TTL_MS, KamError } from '@app/contracts';
import { NatsConnectionService } from './nats-connection';

/** A streamed put waits for the server to have everything written so far after this many bytes. */
const FLUSH_EVERY_BYTES = 1024 * 1024;

/** An object being read from the bucket: its size (for Content-Length) and its bytes, pulled chunk by chunk. */
export interface TransferObject {
  size: number;
  stream: Readable;
}

/**
 * The JetStream object store that carries document bytes between the gateway and document-security (ADR 0010):
 * memory storage (never on disk), entries expire after a short TTL, each one is deleted by its reader. Both sides
 * create it on first use. A bucket that cannot be opened (NATS or JetStream away) is a 503.
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

  /**
   * Writes an object from a source that is read only as fast as NATS takes it: the object store asks for the next
   * piece when it has published the last one, and every megabyte waits for the server to have received everything
   * before it. The object exists (and the size is known) only when the source is exhausted; when the source throws,
   * the chunks written so far are removed and the error is passed on. Returns the size in bytes.
   */
  async putStream(name: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const os = await this.open();
    const nc = await this.nats.connection();
    const it = source[Symbol.asyncIterator]();
    let unflushed = 0;
    const rs = new ReadableStream<Uint8Array>(
      {
        async pull(c) {
          if (unflushed >= FLUSH_EVERY_BYTES) {
            unflushed = 0;
            await nc.flush();
          }
          const next = await it.next();
          if (next.done) return c.close();
          unflushed += next.value.length;
          c.enqueue(next.value);
        },
        async cancel() {
          await it.return?.();
        },
      },
      { highWaterMark: 0 },
    );
    try {
      return (await os.put({ name }, rs)).size;
    } catch (e) {
      await it.return?.()?.catch(() => undefined);
      throw e;
    }
  }

  /** Reads an object and removes it; null when it is not there (expired, or never written). */
  async take(name: string): Promise<Buffer | null> {
    const os = await this.open();
    try {
      const data = await os.getBlob(name);
      return data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : null;
    } finally {
      await os.delete(name).catch(() => undefined);
    }
  }

  /**
   * Opens an object for reading, chunk by chunk as the reader asks for them (one direct get per 128 KB chunk, so
   * a slow reader holds up NATS instead of filling this process), its SHA-256 checked at the end; the object is
   * removed when the stream ends, fails or is destroyed. Null (and removed) when it is not there.
   */
  async takeStream(name: string): Promise<TransferObject | null> {
    const os = await this.open();
    const info = await os.info(name).catch(() => null);
    if (!info || info.deleted) {
      await os.delete(name).catch(() => undefined);
      return null;
    }
    const jsm = await (await this.nats.connection()).jetstreamManager();
    const stream = chunksOf(jsm, info);
    stream.once('close', () => void os.delete(name).catch(() => undefined));
    return { size: info.size, stream };
  }

  async discard(name: string): Promise<void> {
    const os = await this.open();
    await os.delete(name).catch(() => undefined);
  }
}

/**
 * Direct get of the next message on a subject from a sequence on: on nats.js's JetStreamManager since 2.9 (its key-value
 * store reads with it) but not in its public typings. Object store streams are created with `allow_direct`.
 */
interface DirectGet {
  direct: { getMessage(stream: string, query: { seq: number; next_by_subj: string }): Promise<StoredMsg> };
}

/** The chunks of an object, in order, fetched one per read (object store layout: `$O.<bucket>.C.<nuid>`). */
function chunksOf(jsm: JetStreamManager, info: ObjectInfo): Readable {
  const streamName = `OBJ_${info.bucket}`;
  const subject = `$O.${info.bucket}.C.${info.nuid}`;
  const sha = createHash('sha256');
  const direct = (jsm as unknown as DirectGet).direct;
  let seq = 1;
  let received = 0;
  return new Readable({
    highWaterMark: 0,
    read() {
      if (received >= info.size) return void this.push(null);
      direct
        .getMessage(streamName, { seq, next_by_subj: subject })
        .then((m) => {
          if (this.destroyed) return;
          seq = m.seq + 1;
          received += m.data.length;
          sha.update(m.data);
          this.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
          if (received < info.size) return;
          const expected = info.digest.replace(/^SHA-256=/, '').replace(/=+$/, '');
          if (sha.digest('base64url') !== expected)
            this.destroy(new Error(`transfer object ${info.name}: SHA-256 does not match`));
          else this.push(null);
        })
        .catch((e: Error) => this.destroy(e));
    },
  });
}
