// The config plane (lowdb): settings, users, API tokens. Several processes share it (the daemon and
// `otsensor` CLI commands run while it serves), so every change is a read-modify-write of the newest
// file under the data plane's write lock (store/database.ts withWriteLock), and readers reload when
// the file changes. No write from either process is lost, and a new or revoked token is seen by the
// daemon at its next request.
import { LowSync } from 'lowdb';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DurableJsonFile, processAlive } from './durable-json-file.js';
import { type ConfigData, emptyConfig, validateConfig } from './config-schema.js';

export const CONFIG_FILE = 'config.json';

export type Locker = <T>(fn: () => T) => T;

export class ConfigStore {
  private readonly file: DurableJsonFile<ConfigData>;
  private readonly db: LowSync<ConfigData>;
  private stamp = '';
  private checkedAt = 0;

  private constructor(readonly path: string, private readonly lock: Locker, private readonly recheckMs: number) {
    this.file = new DurableJsonFile(path, validateConfig);
    this.db = new LowSync(this.file, emptyConfig());
  }

  /** Loads config.json, creating it if absent. Throws CorruptStoreError/NewerSchemaError without writing. */
  static open(dataDir: string, lock: Locker, recheckMs = 100): ConfigStore {
    const store = new ConfigStore(join(dataDir, CONFIG_FILE), lock, recheckMs);
    store.lock(() => {
      store.file.removeStaleTemps(processAlive);
      store.load();
      if (store.stamp === 'absent') {
        store.file.write(store.db.data);
        store.stamp = store.currentStamp();
      }
    });
    return store;
  }

  /** The current document. Rereads the file if another process changed it (checked at most every recheckMs). */
  get data(): Readonly<ConfigData> {
    const now = performance.now();
    if (now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      if (this.currentStamp() !== this.stamp) this.load();
    }
    return this.db.data;
  }

  /**
   * Applies fn to a copy of the newest document and writes it durably, all under the cross-process lock.
   * If fn throws, nothing is written and the in-memory document is unchanged.
   */
  mutate<R>(fn: (draft: ConfigData) => R): R {
    return this.lock(() => {
      this.load();
      const draft = structuredClone(this.db.data);
      const result = fn(draft);
      draft.revision += 1;
      this.db.data = draft;
      this.db.write();
      this.stamp = this.currentStamp();
      return result;
    });
  }

  private load(): void {
    const stamp = this.currentStamp();
    this.db.read(); // lowdb keeps the default when the adapter returns null (file absent)
    if (stamp === 'absent') this.db.data = emptyConfig();
    this.stamp = stamp;
  }

  private currentStamp(): string {
    try {
      const st = statSync(this.path);
      return `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return 'absent';
    }
  }
}
