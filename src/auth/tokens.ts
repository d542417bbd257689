// API tokens generated on the box (tokens.md). Only a keyed hash is stored; the secret exists once,
// in the create result. Status follows Defender for Cloud Apps: Generated (never used), Active (used
// within the active window), Inactive (idle longer); plus Expired once past its expiry.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditLog } from '../store/audit-log.js';
import type { ConfigStore } from '../store/config-store.js';
import type { RoleId, TokenRecord, UserRecord } from '../store/config-schema.js';
import { ConflictError, ForbiddenError, InputError, NotFoundError, UnauthorizedError } from '../errors.js';
import type { ActorContext } from './context.js';
import { lowerRole, roleAtLeast, roleDisplayNames } from './roles.js';
import { checkTokenShape, generateToken, hashToken } from './token-format.js';

export type TokenStatus = 'Generated' | 'Active' | 'Inactive' | 'Expired';

export interface TokenView {
  id: string;
  description: string;
  owner: string;
  role: RoleId;
  created: string;
  expires: string | null;
  lastUsed: string | null;
  lastUsedFrom: string | null;
  lastUserAgent: string | null;
  status: TokenStatus;
}

export interface CreateTokenRequest {
  /** Caller-chosen id (REST PUT); generated when absent. */
  id?: string;
  description: string;
  owner: string;
  /** Defaults to the owner's role; may not exceed it. */
  role?: RoleId;
  /**
   * Absolute expiry, or `{ afterMs }` counted from creation; null = never (only when asked for
   * explicitly); undefined = the default lifetime.
   */
  expires?: Date | { afterMs: number } | null;
}

export interface Principal {
  tokenId: string;
  owner: string;
  /** The lower of the token's role and its owner's current role. */
  role: RoleId;
}

const TOKEN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DAY_MS = 86_400_000;
const REFUSAL_AUDIT_INTERVAL_MS = 60_000;

interface Usage { at: number; from: string | null; userAgent: string | null }

export class TokenService {
  private readonly pendingUsage = new Map<string, Usage>();
  private readonly refusalsAudited = new Map<string, number>();

  constructor(
    private readonly config: ConfigStore,
    private readonly audit: AuditLog,
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  create(req: CreateTokenRequest, ctx: ActorContext): { token: TokenView; secret: string } {
    const id = req.id ?? `tk-${randomBytes(5).toString('hex')}`;
    if (!TOKEN_ID.test(id)) throw new InputError(`invalid token id '${id}': use 1-64 letters, digits, '.', '_' or '-'`);
    const description = req.description.trim();
    if (description.length === 0) throw new InputError('a token needs a description (what it is for)');
    if (description.length > 256) throw new InputError('the description is longer than 256 characters');
    const now = this.now();
    const { tokens: limits } = this.config.data.settings;
    let expires: string | null;
    if (req.expires === null) {
      expires = null;
    } else {
      const at = req.expires instanceof Date ? req.expires
        : new Date(now + (req.expires?.afterMs ?? limits.defaultExpiryDays * DAY_MS));
      if (Number.isNaN(at.getTime()) || at.getTime() <= now) throw new InputError('the expiry must be a time in the future');
      if (at.getTime() > now + limits.maxExpiryDays * DAY_MS) {
        throw new InputError(`the expiry may be at most ${limits.maxExpiryDays} days ahead (or "never" when asked for explicitly)`);
      }
      expires = at.toISOString();
    }
    const secret = generateToken();
    const record = this.config.mutate((d) => {
      const owner = d.users.find((u) => u.username.toLowerCase() === req.owner.toLowerCase());
      if (!owner) throw new NotFoundError(`user '${req.owner}' does not exist`);
      if (owner.disabled) throw new ForbiddenError(`user '${owner.username}' is disabled`);
      const role = req.role ?? owner.role;
      if (!roleAtLeast(owner.role, role)) {
        throw new ForbiddenError(`a token cannot carry more than its owner's role: '${owner.username}' is ${roleDisplayNames[owner.role]}`);
      }
      if (d.tokens.some((t) => t.id === id)) throw new ConflictError(`token '${id}' already exists`);
      const t: TokenRecord = {
        id, description, owner: owner.username, role, hash: hashToken(secret, this.key),
        created: new Date(now).toISOString(), expires, lastUsed: null, lastUsedFrom: null, lastUserAgent: null,
      };
      d.tokens.push(t);
      return t;
    });
    this.audit.record({ ...ctx, action: 'token.create', target: id, outcome: 'success', detail: { owner: record.owner, role: record.role, expires } });
    return { token: this.view(record), secret };
  }

  list(): TokenView[] {
    return this.config.data.tokens.map((t) => this.view(t));
  }

  get(id: string): TokenView {
    const t = this.config.data.tokens.find((x) => x.id === id);
    if (!t) throw new NotFoundError(`token '${id}' does not exist`);
    return this.view(t);
  }

  /** Deletes the token: it stops working at the daemon's next request (tokens.md: revoked tokens vanish). */
  revoke(id: string, ctx: ActorContext): void {
    this.config.mutate((d) => {
      const before = d.tokens.length;
      d.tokens = d.tokens.filter((t) => t.id !== id);
      if (d.tokens.length === before) throw new NotFoundError(`token '${id}' does not exist`);
    });
    this.pendingUsage.delete(id);
    this.audit.record({ ...ctx, action: 'token.revoke', target: id, outcome: 'success' });
  }

  /**
   * Resolves an Authorization value to a principal, or throws 401 (not a valid, live token) or
   * 403 (a valid token whose owner is disabled or deleted). Malformed tokens are refused before lookup.
   */
  authenticate(raw: string, client: { address: string | null; userAgent: string | null }): Principal {
    const refuse = (err: UnauthorizedError | ForbiddenError, reason: string, tokenId: string | null): never => {
      this.auditRefusal(reason, tokenId, client);
      throw err;
    };
    const shape = checkTokenShape(raw);
    if (shape === 'not-a-token') refuse(new UnauthorizedError('invalid API token'), 'malformed', null);
    if (shape === 'bad-checksum') refuse(new UnauthorizedError('invalid API token (checksum mismatch: mistyped or truncated?)'), 'bad_checksum', null);
    const hash = Buffer.from(hashToken(raw, this.key));
    const { tokens, users } = this.config.data;
    let match: TokenRecord | undefined;
    for (const t of tokens) {
      const h = Buffer.from(t.hash);
      if (h.length === hash.length && timingSafeEqual(h, hash)) match = t;
    }
    if (!match) return refuse(new UnauthorizedError('invalid API token (unknown or revoked)'), 'unknown', null);
    const now = this.now();
    if (match.expires && Date.parse(match.expires) <= now) {
      return refuse(new UnauthorizedError(`API token '${match.id}' expired at ${match.expires}`), 'expired', match.id);
    }
    const owner: UserRecord | undefined = users.find((u) => u.username === match.owner);
    if (!owner) return refuse(new ForbiddenError(`the owner of API token '${match.id}' no longer exists`), 'owner_deleted', match.id);
    if (owner.disabled) return refuse(new ForbiddenError(`the owner of API token '${match.id}' is disabled`), 'owner_disabled', match.id);
    this.pendingUsage.set(match.id, { at: now, from: client.address, userAgent: client.userAgent });
    return { tokenId: match.id, owner: owner.username, role: lowerRole(match.role, owner.role) };
  }

  /** A principal authenticated but lacking the role: audited like other refusals. */
  refuseRole(p: Principal, needed: RoleId, client: { address: string | null; userAgent: string | null }): never {
    this.auditRefusal('role_too_low', p.tokenId, client);
    throw new ForbiddenError(`this operation needs the ${roleDisplayNames[needed]} role; token '${p.tokenId}' has ${roleDisplayNames[p.role]}`);
  }

  /** Writes coalesced last-used facts. Called on a timer and at shutdown; never per request. */
  flushUsage(): void {
    if (this.pendingUsage.size === 0) return;
    const batch = new Map(this.pendingUsage);
    this.pendingUsage.clear();
    this.config.mutate((d) => {
      for (const t of d.tokens) {
        const u = batch.get(t.id);
        if (!u || (t.lastUsed && Date.parse(t.lastUsed) >= u.at)) continue;
        t.lastUsed = new Date(u.at).toISOString();
        t.lastUsedFrom = u.from;
        t.lastUserAgent = u.userAgent;
      }
    });
  }

  private view(t: TokenRecord): TokenView {
    const pending = this.pendingUsage.get(t.id);
    const lastUsed = pending ? new Date(pending.at).toISOString() : t.lastUsed;
    return {
      id: t.id, description: t.description, owner: t.owner, role: t.role, created: t.created, expires: t.expires,
      lastUsed,
      lastUsedFrom: pending ? pending.from : t.lastUsedFrom,
      lastUserAgent: pending ? pending.userAgent : t.lastUserAgent,
      status: this.status(t.expires, lastUsed),
    };
  }

  private status(expires: string | null, lastUsed: string | null): TokenStatus {
    const now = this.now();
    if (expires && Date.parse(expires) <= now) return 'Expired';
    if (!lastUsed) return 'Generated';
    const windowMs = this.config.data.settings.tokens.activeWindowDays * DAY_MS;
    return now - Date.parse(lastUsed) <= windowMs ? 'Active' : 'Inactive';
  }

  // One audit row per (reason, token, client) a minute: a client retrying a dead token every second
  // must not fill the disk.
  private auditRefusal(reason: string, tokenId: string | null, client: { address: string | null; userAgent: string | null }): void {
    const key = `${reason}|${tokenId ?? ''}|${client.address ?? ''}`;
    const now = this.now();
    const last = this.refusalsAudited.get(key);
    if (last !== undefined && now - last < REFUSAL_AUDIT_INTERVAL_MS) return;
    this.refusalsAudited.set(key, now);
    if (this.refusalsAudited.size > 10_000) this.refusalsAudited.clear();
    this.audit.record({ actor: tokenId ? `token:${tokenId}` : 'anonymous', action: 'token.refused', target: tokenId,
      outcome: 'refused', client: client.address, userAgent: client.userAgent, detail: { reason } });
  }
}
