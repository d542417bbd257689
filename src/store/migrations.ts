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
  {
    version: 3,
    description: 'device inventory and connections, as the sensor API serves them',
    sql: `
      CREATE TABLE devices (
        id          INTEGER PRIMARY KEY,         -- the API's device id: small, stable
        key         TEXT    NOT NULL UNIQUE,     -- 'mac:02:00:..' or 'ip:10.0.0.5' (a device without a MAC)
        first_seen  INTEGER NOT NULL,            -- capture time, epoch µs
        last_seen   INTEGER NOT NULL,
        authorized  INTEGER NOT NULL,            -- 0/1, as in doc (filtered on by the API)
        doc         TEXT    NOT NULL             -- the GET /api/v1/devices element, served as is
      );
      CREATE TABLE connections (
        lo          INTEGER NOT NULL,            -- the pair's smaller device id
        hi          INTEGER NOT NULL,
        discovered  INTEGER NOT NULL,            -- epoch ms, capture time
        last_seen   INTEGER NOT NULL,
        doc         TEXT    NOT NULL,            -- the GET /api/v1/devices/connections element
        PRIMARY KEY (lo, hi)
      );
      CREATE INDEX connections_hi ON connections (hi);
      CREATE TABLE inventory_meta (
        name        TEXT    PRIMARY KEY,         -- 'version' (bumped per write), 'clock' (capture ms)
        value       INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((v, m) => Math.max(v, m.version), 0);
