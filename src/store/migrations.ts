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
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((v, m) => Math.max(v, m.version), 0);
