// Token lifetimes on the command line: 90d, 12w, 1y, 36h, or "never".
import { InputError } from '../errors.js';

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 } as const;

/** A lifetime counted from the token's creation, null for "never". */
export function parseLifetime(text: string): { afterMs: number } | null {
  if (text === 'never') return null;
  const m = /^(\d+)([hdwy])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new InputError(`invalid lifetime '${text}': use e.g. 90d, 12w, 1y, 36h or never`);
  return { afterMs: Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] };
}
