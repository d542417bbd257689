// The config plane's document (config.json): settings, users and API tokens. Small, human-readable,
// rewritten whole on each change. Validated on every read so a hand-edit mistake stops start-up
// with a message instead of being silently "fixed" by the next write.
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
}

export interface ConfigData {
  schemaVersion: number;
  revision: number;
  settings: Settings;
  users: UserRecord[];
  tokens: TokenRecord[];
}

export const DEFAULT_SETTINGS: Settings = {
  tokens: { defaultExpiryDays: 90, maxExpiryDays: 366, activeWindowDays: 7, usageFlushSeconds: 10 },
  throttle: { userFailures: 5, clientFailures: 20, tokenFailures: 30, windowSeconds: 900, lockoutSeconds: 30, maxLockoutSeconds: 900 },
};

export function emptyConfig(): ConfigData {
  return { schemaVersion: CONFIG_SCHEMA_VERSION, revision: 0, settings: structuredClone(DEFAULT_SETTINGS), users: [], tokens: [] };
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
  return {
    schemaVersion: version as number,
    revision: Number.isInteger(raw.revision) ? (raw.revision as number) : 0,
    settings: mergeSettings(raw.settings),
    users: raw.users as UserRecord[],
    tokens: raw.tokens as TokenRecord[],
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
