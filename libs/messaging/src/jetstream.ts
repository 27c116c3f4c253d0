import { JetStreamManager, NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@app/contracts';

const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000; // 10 minutes of de-duplication by Nats-Msg-Id

/** Creates the event stream if missing; safe to call from every process at start-up. */
export async function ensureEventStream(nc: NatsConnection): Promise<JetStreamManager> {
  const jsm = await nc.jetstreamManager();
  const config = {
    name: EVENT_STREAM,
    subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: DUPLICATE_WINDOW_NS,
    max_age: 30 * 24 * 3600 * 1_000_000_000,
  };
  try {
    await jsm.streams.info(EVENT_STREAM);
  } catch {
    try {
      await jsm.streams.add(config);
    } catch (e) {
      // Another process created it first.
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
    }
  }
  return jsm;
}
