// Token authentication for every API but the three auth APIs (spec §0.1): the raw token in the
// Authorization header, as real clients send it, or "Bearer <token>". 401 = no valid token,
// 403 = a valid token that may not do this, 429 = a client that keeps presenting bad tokens.
import type { Request, RequestHandler, Response } from 'express';
import type { Principal, TokenService } from '../auth/tokens.js';
import { roleAtLeast, type RoleId } from '../auth/roles.js';
import type { Throttle, ThrottleRule } from '../auth/throttle.js';
import { ThrottledError, UnauthorizedError } from '../errors.js';

export function clientOf(req: Request): { address: string | null; userAgent: string | null } {
  return { address: req.socket.remoteAddress ?? null, userAgent: req.get('user-agent') ?? null };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

export function extractToken(header: string | undefined): string | null {
  if (!header) return null;
  const v = header.trim().replace(/^bearer\s+/i, '').trim();
  return v.length > 0 ? v : null;
}

export function requireRole(tokens: TokenService, throttle: Throttle, rule: () => ThrottleRule, needed: RoleId): RequestHandler {
  return (req, res, next) => {
    const client = clientOf(req);
    const key = `token-client:${client.address}`;
    const wait = throttle.retryAfter(key);
    if (wait > 0) throw new ThrottledError('too many invalid API tokens from this client; try again later', wait);
    const raw = extractToken(req.get('authorization'));
    if (!raw) throw new UnauthorizedError('missing API token: send it in the Authorization header');
    let principal: Principal;
    try {
      principal = tokens.authenticate(raw, client);
    } catch (err) {
      if (err instanceof UnauthorizedError) throttle.fail(key, rule());
      throw err;
    }
    if (!roleAtLeast(principal.role, needed)) tokens.refuseRole(principal, needed, client);
    res.locals.principal = principal;
    next();
  };
}
