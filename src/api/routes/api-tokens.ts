// API-token management over REST, shaped like Azure IoT Central's /api/apiTokens (tokens.md).
// Admins only. The first token cannot come from here: there is no token to call it with until the
// CLI on the box makes one.
import express, { Router, type RequestHandler } from 'express';
import { parseRole } from '../../auth/roles.js';
import type { CreateTokenRequest, TokenService } from '../../auth/tokens.js';
import { InputError } from '../../errors.js';
import { serializeApiToken } from '../serializers/api-token.js';
import { clientOf, principalOf } from '../token-auth.js';

export function apiTokenRoutes(tokens: TokenService, adminOnly: RequestHandler): Router {
  const r = Router();
  r.use('/api/apiTokens', adminOnly);

  r.get('/api/apiTokens', (_req, res) => {
    res.json({ value: tokens.list().map(serializeApiToken) });
  });

  r.get('/api/apiTokens/:tokenId', (req, res) => {
    res.json(serializeApiToken(tokens.get(req.params.tokenId as string)));
  });

  r.put('/api/apiTokens/:tokenId', express.json({ limit: '16kb', type: () => true }), (req, res) => {
    const caller = principalOf(res);
    const id = req.params.tokenId as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new InputError('request body must be a JSON object');
    const create: CreateTokenRequest = {
      id,
      owner: caller.owner,
      description: body.description === undefined ? id : stringField(body.description, 'description'),
      role: roleFrom(body.roles),
      expires: expiryFrom(body.expiry),
    };
    const c = clientOf(req);
    const { token, secret } = tokens.create(create, { actor: `token:${caller.tokenId}`, client: c.address, userAgent: c.userAgent });
    res.status(200).json({ ...serializeApiToken(token), token: secret });
  });

  r.delete('/api/apiTokens/:tokenId', (req, res) => {
    const caller = principalOf(res);
    const c = clientOf(req);
    tokens.revoke(req.params.tokenId as string, { actor: `token:${caller.tokenId}`, client: c.address, userAgent: c.userAgent });
    res.status(204).end();
  });

  return r;
}

function stringField(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new InputError(`'${name}' must be a string`);
  return v;
}

// One role per token: the sensor has no composite roles. IoT Central's array shape is kept.
function roleFrom(v: unknown): CreateTokenRequest['role'] {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'object' || v[0] === null || typeof v[0].role !== 'string') {
    throw new InputError("'roles' must be an array with one {\"role\": \"admin|security-analyst|read-only\"}");
  }
  const role = parseRole(v[0].role as string);
  if (!role) throw new InputError(`unknown role '${v[0].role}': use admin, security-analyst or read-only`);
  return role;
}

// ISO 8601 time; "never" only when written out (tokens.md: no expiry only by explicit choice).
function expiryFrom(v: unknown): Date | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'never') return null;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new InputError("'expiry' must be an ISO 8601 time such as 2027-01-31T00:00:00Z, or \"never\"");
  }
  return new Date(v);
}
