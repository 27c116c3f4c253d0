import { parseMasterKeys } from '@app/config';
import { MasterKey } from './envelope-crypto';

export const KEY_RING = Symbol('KEY_RING');

/** The master keys from KAM_DOCUMENT_MASTER_KEYS; the first is the one new data keys are wrapped with. */
export class KeyRing {
  readonly current: MasterKey;
  readonly byId: ReadonlyMap<string, MasterKey>;

  constructor(keys: MasterKey[]) {
    if (!keys.length) throw new Error('no master key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  static fromEnv(raw: string): KeyRing {
    return new KeyRing(parseMasterKeys(raw));
  }
}
