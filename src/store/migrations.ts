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
  {
    version: 4,
    description: 'alerts, the event timeline, the learned baseline, alert pcaps, forwarding outbox, pcap download tokens',
    sql: `
      CREATE TABLE alerts (
        id          INTEGER PRIMARY KEY,         -- the API's alert id: small, stable, in order of detection
        uuid        TEXT    NOT NULL UNIQUE,     -- the console-shape id '<id>-<time>' (spec §2.5)
        dedup       TEXT    NOT NULL,            -- title|source|destination|key: one open alert per condition
        status      TEXT    NOT NULL,            -- new | handled | learned
        time        INTEGER NOT NULL,            -- first detection, epoch ms (capture time)
        last_time   INTEGER NOT NULL,            -- last detection, epoch ms
        count       INTEGER NOT NULL,            -- detections folded into this alert
        engine      TEXT    NOT NULL,
        severity    TEXT    NOT NULL,
        title       TEXT    NOT NULL,
        message     TEXT    NOT NULL,
        protocol    TEXT,
        src_device  INTEGER,                     -- device ids, when the address is a device
        dst_device  INTEGER,
        src_addr    TEXT,                        -- IP, else MAC (v2 sourceDeviceAddress)
        dst_addr    TEXT,
        src_mac     TEXT,
        dst_mac     TEXT,
        info        TEXT,                        -- JSON additionalInformation, or null
        remediation TEXT    NOT NULL,            -- JSON string[]
        learn       TEXT    NOT NULL,            -- JSON string[]: baseline entries handleAndLearn adds
        handled_at  INTEGER,                     -- epoch ms, wall clock
        handled_by  TEXT
      );
      CREATE INDEX alerts_time ON alerts (time);
      CREATE INDEX alerts_open ON alerts (dedup) WHERE status = 'new';
      CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        time        INTEGER NOT NULL,            -- epoch ms (capture time)
        type        TEXT    NOT NULL,
        title       TEXT    NOT NULL,
        severity    TEXT    NOT NULL,            -- INFO | NOTICE | ALERT
        owner       TEXT,                        -- user name for events an operator caused
        content     TEXT    NOT NULL
      );
      CREATE INDEX events_time ON events (time);
      CREATE TABLE baseline (
        id          INTEGER PRIMARY KEY,         -- readers pick up rows past the last id they saw
        entry       TEXT    NOT NULL UNIQUE,     -- e.g. 'device:mac:00:1b:1b:23:eb:3b', 'op:modbus:10.0.0.1>10.0.0.2:16'
        learned     INTEGER NOT NULL,            -- epoch ms, wall clock
        source      TEXT    NOT NULL             -- learning | alert:<id>
      );
      CREATE TABLE alert_pcaps (
        alert_id    INTEGER PRIMARY KEY,
        file        TEXT    NOT NULL,            -- name under <data dir>/alert-pcaps/
        packets     INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        created     INTEGER NOT NULL             -- epoch ms, wall clock
      );
      CREATE TABLE forward_outbox (
        id          INTEGER PRIMARY KEY,
        alert_id    INTEGER NOT NULL,
        rule        TEXT    NOT NULL,            -- forwarding rule name
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_try    INTEGER NOT NULL,            -- epoch ms, wall clock
        last_error  TEXT,
        created     INTEGER NOT NULL,
        UNIQUE (alert_id, rule)
      );
      CREATE TABLE pcap_tokens (
        hash        TEXT    PRIMARY KEY,         -- SHA-256 of the one-time download token
        alert_id    INTEGER NOT NULL,
        expires     INTEGER NOT NULL,            -- epoch ms, wall clock
        used        INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 5,
    description: 'alert pcaps in segment files: each alert at an offset of a segment, segment sizes for the disk bound',
    sql: `
      ALTER TABLE alert_pcaps ADD COLUMN "offset" INTEGER NOT NULL DEFAULT 0;  -- byte offset of the alert's pcap in its file
      CREATE INDEX alert_pcaps_file ON alert_pcaps (file);
      CREATE TABLE alert_pcap_files (
        file        TEXT    PRIMARY KEY,         -- name under <data dir>/alert-pcaps/
        bytes       INTEGER NOT NULL,            -- its size: what the disk bound counts
        created     INTEGER NOT NULL             -- epoch ms, wall clock
      );
      -- schema 4 kept one file per alert: each is a segment of one
      INSERT INTO alert_pcap_files (file, bytes, created) SELECT file, bytes, created FROM alert_pcaps;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((v, m) => Math.max(v, m.version), 0);
