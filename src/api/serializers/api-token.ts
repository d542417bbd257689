// API-token objects in the Azure IoT Central shape (tokens.md, seed 002): id, roles[{role}], expiry;
// plus the sensor's own columns (description, owner, created, lastUsed, status). Never the secret,
// except `token` in the create response.
import type { TokenView } from '../../auth/tokens.js';

export interface ApiTokenJson {
  id: string;
  roles: Array<{ role: string }>;
  expiry: string | null;
  description: string;
  owner: string;
  created: string;
  lastUsed: string | null;
  lastUsedFrom: string | null;
  lastUserAgent: string | null;
  status: string;
}

export function serializeApiToken(t: TokenView): ApiTokenJson {
  return {
    id: t.id,
    roles: [{ role: t.role }],
    expiry: t.expires,
    description: t.description,
    owner: t.owner,
    created: t.created,
    lastUsed: t.lastUsed,
    lastUsedFrom: t.lastUsedFrom,
    lastUserAgent: t.lastUserAgent,
    status: t.status,
  };
}
