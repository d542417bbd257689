// The config plane's document (config.json): settings, users and API tokens. Small, human-readable,
// rewritten whole on each change. Validated on every read so a hand-edit mistake stops start-up
// with a message instead of being silently "fixed" by the next write.
import { SEVERITIES } from '../analyzers/detection/types.js';
// Type only: the rule's full checks live with the forwarding code, which the store must not import.
import type { ForwardingRule } from '../forwarding/rules.js';
import { CorruptStoreError, NewerSchemaError } from './errors.js';

export const CONFIG_SCHEMA_VERSION = 1;

/** Sensor roles (spec §6.1), as stored. Display names live in auth/roles.ts. */
export const ROLE_IDS = ['read-only', 'security-analyst', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export interface UserRecord {
  username: string;
  role: RoleId;
  /** scrypt$N$r$p$salt$hash (see auth/passwords.ts) */
  passwordHash: string;
  disabled: boolean;
  created: string;
  passwordChanged: string;
}

export interface TokenRecord {
  id: string;
  description: string;
  owner: string;
  role: RoleId;
  /** HMAC-SHA256 of the secret under the appliance's token key, base64url. The secret is never stored. */
  hash: string;
  created: string;
  expires: string | null;
  lastUsed: string | null;
  lastUsedFrom: string | null;
  lastUserAgent: string | null;
}

export interface Settings {
  tokens: {
    defaultExpiryDays: number;
    maxExpiryDays: number;
    /** Defender for Cloud Apps: Active = used within this many days. */
    activeWindowDays: number;
    /** Last-used facts are kept in memory and written at most this often. */
    usageFlushSeconds: number;
  };
  throttle: {
    /** Failed logins for one user name within the window before it is throttled. */
    userFailures: number;
    /** Failed logins from one client address within the window before it is throttled. */
    clientFailures: number;
    /** Failed token presentations from one client within the window before it is throttled. */
    tokenFailures: number;
    windowSeconds: number;
    lockoutSeconds: number;
    maxLockoutSeconds: number;
  };
  /** Detection engines and their thresholds (issue 6; spec §4 "Brief description / threshold", §5.6). */
  detection: {
    /** learning mode: new devices, connections and operations become the baseline; no Policy alerts */
    learning: boolean;
    policyViolation: boolean;
    protocolViolation: boolean;
    malware: boolean;
    anomaly: boolean;
    operational: boolean;
    /** Address Scan Detected: distinct addresses of one class-B subnet one source reaches per window */
    addressScanTargets: number;
    addressScanWindowSeconds: number;
    /** Port Scan Detected: distinct ports of one destination per window */
    portScanPorts: number;
    portScanWindowSeconds: number;
    /** ARP Address Scan Detected: distinct addresses one source asks for per window */
    arpScanTargets: number;
    arpScanWindowSeconds: number;
    /** PLC Scan Detected: distinct function codes (or unanswered identity probes) per window */
    plcScanCodes: number;
    plcScanWindowSeconds: number;
    /** Excessive Login Attempts / Password Guessing: failed logins per window */
    loginAttempts: number;
    loginWindowSeconds: number;
    /** Abnormal Exception Pattern in Slave: exceptions from one server per window */
    exceptionCount: number;
    exceptionWindowSeconds: number;
    /** Excessive Malformed Packets In a Single Session */
    malformedPerSession: number;
    malformedWindowSeconds: number;
    /** Device is Suspected to be Disconnected: requests left unanswered in a row, and for how long */
    unresponsiveRequests: number;
    unresponsiveSeconds: number;
  };
  /** Alert PCAPs (issue 6): context kept around each alert's triggering packet, and disk bounds. */
  pcap: {
    beforePackets: number;
    afterPackets: number;
    afterSeconds: number;
    maxPacketsPerAlert: number;
    maxBytesPerAlert: number;
    /** all alert pcaps together; the oldest are deleted first beyond it */
    maxTotalMegabytes: number;
    retentionDays: number;
    /** the in-memory ring of recent packets the "before" context comes from */
    ringPackets: number;
    ringMegabytes: number;
  };
}

export interface ConfigData {
  schemaVersion: number;
  revision: number;
  settings: Settings;
  users: UserRecord[];
  tokens: TokenRecord[];
  /** Alert forwarding rules (issue 6; spec §5.7). Files written before forwarding existed load as []. */
  forwarding: ForwardingRule[];
}

export const DEFAULT_SETTINGS: Settings = {
  tokens: { defaultExpiryDays: 90, maxExpiryDays: 366, activeWindowDays: 7, usageFlushSeconds: 10 },
  throttle: { userFailures: 5, clientFailures: 20, tokenFailures: 30, windowSeconds: 900, lockoutSeconds: 30, maxLockoutSeconds: 900 },
  // thresholds as the alert catalog states them (spec §4)
  detection: {
    learning: true, policyViolation: true, protocolViolation: true, malware: true, anomaly: true, operational: true,
    addressScanTargets: 50, addressScanWindowSeconds: 120, portScanPorts: 25, portScanWindowSeconds: 120,
    arpScanTargets: 40, arpScanWindowSeconds: 360, plcScanCodes: 10, plcScanWindowSeconds: 120,
    loginAttempts: 20, loginWindowSeconds: 60, exceptionCount: 20, exceptionWindowSeconds: 3600,
    malformedPerSession: 2, malformedWindowSeconds: 600, unresponsiveRequests: 8, unresponsiveSeconds: 300,
  },
  pcap: {
    beforePackets: 50, afterPackets: 50, afterSeconds: 10, maxPacketsPerAlert: 200, maxBytesPerAlert: 1_048_576,
    maxTotalMegabytes: 256, retentionDays: 14, ringPackets: 4096, ringMegabytes: 8,
  },
};

export function emptyConfig(): ConfigData {
  return { schemaVersion: CONFIG_SCHEMA_VERSION, revision: 0, settings: structuredClone(DEFAULT_SETTINGS), users: [], tokens: [], forwarding: [] };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isRole = (v: unknown): v is RoleId => (ROLE_IDS as readonly unknown[]).includes(v);

export function validateConfig(raw: unknown, path: string): ConfigData {
  const bad = (why: string): never => { throw new CorruptStoreError(path, why); };
  if (!isObj(raw)) return bad('the top level is not a JSON object');
  const version = raw.schemaVersion;
  if (!Number.isInteger(version) || (version as number) < 1) return bad('schemaVersion is missing or not a positive integer');
  if ((version as number) > CONFIG_SCHEMA_VERSION) throw new NewerSchemaError(path, version as number, CONFIG_SCHEMA_VERSION);
  if (!Array.isArray(raw.users)) return bad('users is not an array');
  if (!Array.isArray(raw.tokens)) return bad('tokens is not an array');
  raw.users.forEach((u, i) => {
    if (!isObj(u) || !isStr(u.username) || !isRole(u.role) || !isStr(u.passwordHash) || typeof u.disabled !== 'boolean') {
      bad(`users[${i}] is not a valid user record`);
    }
  });
  raw.tokens.forEach((t, i) => {
    if (!isObj(t) || !isStr(t.id) || !isStr(t.owner) || !isRole(t.role) || !isStr(t.hash) || !isStr(t.created) ||
      !isStrOrNull(t.expires) || !isStrOrNull(t.lastUsed)) {
      bad(`tokens[${i}] is not a valid token record`);
    }
  });
  const forwarding = raw.forwarding ?? [];
  if (!Array.isArray(forwarding)) return bad('forwarding is not an array');
  // The shape that matching relies on; targets (host, port, URL) are checked again before each send.
  forwarding.forEach((r, i) => {
    if (!isObj(r) || !isStr(r.name) || typeof r.enabled !== 'boolean' || !(SEVERITIES as readonly unknown[]).includes(r.minSeverity) ||
      !Array.isArray(r.engines) || !Array.isArray(r.protocols) || !r.protocols.every(isStr) ||
      !isObj(r.action) || (r.action.type !== 'syslog' && r.action.type !== 'webhook')) {
      bad(`forwarding[${i}] is not a valid forwarding rule`);
    }
  });
  return {
    schemaVersion: version as number,
    revision: Number.isInteger(raw.revision) ? (raw.revision as number) : 0,
    settings: mergeSettings(raw.settings),
    users: raw.users as UserRecord[],
    tokens: raw.tokens as TokenRecord[],
    forwarding: forwarding as ForwardingRule[],
  };
}

/** Settings missing from an older file take their defaults; unknown keys are kept as written. */
function mergeSettings(raw: unknown): Settings {
  const out = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, Record<string, unknown>>;
  if (isObj(raw)) {
    for (const [group, values] of Object.entries(raw)) {
      if (isObj(values)) out[group] = { ...(out[group] ?? {}), ...values };
    }
  }
  return out as unknown as Settings;
}
