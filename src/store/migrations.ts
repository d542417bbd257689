// Data-plane schema, one step per version. PRAGMA user_version records the version reached.
// Steps are append-only: a released step is never edited, a change is a new step.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'audit trail of logins, password changes and API-token lifecycle',
    sql: `
      CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        time        INTEGER NOT NULL,            -- epoch ms, wall clock of the appliance
        actor       TEXT    NOT NULL,            -- 'user:NAME', 'token:ID', 'cli:OSUSER', 'system'
        action      TEXT    NOT NULL,            -- dotted id, e.g. token.create, login.failure
        target      TEXT,                        -- the user or token acted on
        outcome     TEXT    NOT NULL,            -- success | failure | refused
        client      TEXT,                        -- client address for API calls
        user_agent  TEXT,
        detail      TEXT                         -- JSON object with the reason and extra facts
      );
      CREATE INDEX audit_time ON audit (time);
    `,
  },
  {
    version: 2,
    description: 'capture ingest runs (replays and live captures) with their reports',
    sql: `
      CREATE TABLE ingest_runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started     INTEGER NOT NULL,            -- epoch ms, wall clock
        finished    INTEGER,                     -- null while running (or if the process died)
        kind        TEXT    NOT NULL,            -- replay | live
        sources     TEXT    NOT NULL,            -- JSON array of files or the interface
        packets     INTEGER NOT NULL DEFAULT 0,
        bytes       INTEGER NOT NULL DEFAULT 0,
        first_ts    INTEGER,                     -- capture time, epoch µs
        last_ts     INTEGER,
        report      TEXT                         -- JSON ingest report
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((v, m) => Math.max(v, m.version), 0);
