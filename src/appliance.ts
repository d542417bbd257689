// Opens the appliance's state in a data directory: the data plane (SQLite), the config plane (lowdb)
// and the services over them. The daemon and every CLI command that touches state go through here,
// so they agree on locking, validation and the first-start admin.
import { AuditLog } from './store/audit-log.js';
import { ConfigStore } from './store/config-store.js';
import { type Db, openDatabase, withWriteLock } from './store/database.js';
import { prepareDataDir } from './store/data-dir.js';
import { loadTokenKey } from './store/token-key.js';
import { TokenService } from './auth/tokens.js';
import { UserService } from './auth/users.js';

export interface Appliance {
  dataDir: string;
  db: Db;
  config: ConfigStore;
  audit: AuditLog;
  users: UserService;
  tokens: TokenService;
  /** Set when this open created the first admin: the password, to be shown once. */
  bootstrapPassword: string | null;
  warnings: string[];
  close(): void;
}

export interface OpenOptions {
  /** Create the first admin when there is no user (default true). `replay` has no use for one. */
  bootstrap?: boolean;
}

export async function openAppliance(dataDir: string, opts: OpenOptions = {}): Promise<Appliance> {
  const warnings: string[] = [];
  const { warning } = prepareDataDir(dataDir);
  if (warning) warnings.push(warning);
  const db = openDatabase(dataDir);
  try {
    const lock = <T>(fn: () => T): T => withWriteLock(db, fn);
    const config = ConfigStore.open(dataDir, lock);
    const key = lock(() => loadTokenKey(dataDir, config.data.tokens.length > 0));
    const audit = new AuditLog(db);
    const users = new UserService(config, audit);
    const tokens = new TokenService(config, audit, key);
    const bootstrapPassword = opts.bootstrap === false ? null : await users.bootstrapAdmin();
    return {
      dataDir, db, config, audit, users, tokens, bootstrapPassword, warnings,
      close() {
        tokens.flushUsage();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
