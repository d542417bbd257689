// Sensor roles and what each may do over the API (spec §6.2, §6.3).
import { ROLE_IDS, type RoleId } from '../store/config-schema.js';

export { ROLE_IDS, type RoleId };

export const roleDisplayNames: Record<RoleId, string> = {
  'read-only': 'Read Only',
  'security-analyst': 'Security Analyst',
  admin: 'Admin',
};

const rank: Record<RoleId, number> = { 'read-only': 0, 'security-analyst': 1, admin: 2 };

/** True when `held` includes everything `needed` may do. */
export function roleAtLeast(held: RoleId, needed: RoleId): boolean {
  return rank[held] >= rank[needed];
}

export function lowerRole(a: RoleId, b: RoleId): RoleId {
  return rank[a] <= rank[b] ? a : b;
}

/** Accepts ids and the UI spellings: "admin", "Administrator", "Security Analyst", "read_only", "Viewer". */
export function parseRole(input: string): RoleId | null {
  const k = input.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (k === 'admin' || k === 'administrator') return 'admin';
  if (k === 'security-analyst' || k === 'analyst') return 'security-analyst';
  if (k === 'read-only' || k === 'readonly' || k === 'viewer') return 'read-only';
  return null;
}
