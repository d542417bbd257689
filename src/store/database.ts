// The data plane: one SQLite file (WAL) for inventories, alerts, events, the pcap index and the audit trail.
// WAL with synchronous=NORMAL keeps every committed transaction across kill -9; a power cut may lose
// at most the last transactions but never corrupts the file.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CorruptStoreError, NewerSchemaError } from './errors.js';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations.js';

export type Db = Database.Database;
export const DATABASE_FILE = 'sensor.db';

/** Opens (creating if absent) and migrates the data-plane database. Refuses corrupt or newer files. */
export function openDatabase(dataDir: string): Db {
  const path = join(dataDir, DATABASE_FILE);
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new CorruptStoreError(path, (err as Error).message);
  }
  try {
    db.pragma('busy_timeout = 10000');
    // The first statement that touches the file reveals a non-database (SQLITE_NOTADB).
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_SCHEMA_VERSION) throw new NewerSchemaError(path, version, LATEST_SCHEMA_VERSION);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof NewerSchemaError || err instanceof CorruptStoreError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new CorruptStoreError(path, (err as Error).message);
    throw err;
  }
}

function migrate(db: Db, path: string): void {
  // IMMEDIATE: two processes starting together must not both apply the same step.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_SCHEMA_VERSION) throw new NewerSchemaError(path, current, LATEST_SCHEMA_VERSION);
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

/**
 * Runs fn while holding the database's write lock. SQLite's locks are kernel file locks, released when
 * a process dies, so this is the cross-process mutex for the config plane too: no stale lock files.
 */
export function withWriteLock<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement for fixed SQL, prepared once per connection: better-sqlite3's prepare()
 * compiles the SQL each time (tens of µs), which per-alert paths paid several times over. The
 * statement is shared: never switch it to pluck()/raw() mode, prepare such a one yourself.
 */
export function statement(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
