// Password hashing (scrypt) and the sensor's password policy (spec §1.2: >= 8 characters with lower-
// and upper-case letters, a digit and a symbol).
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

interface ScryptParams { N: number; r: number; p: number }

// N=2^16, r=8 (64 MiB, ~0.1-0.2 s here): above OWASP's interactive minimum. Parameters are stored in
// each hash, so they can be raised later without invalidating existing passwords.
const CURRENT: ScryptParams = { N: 1 << 16, r: 8, p: 1 };
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, params: ScryptParams, keyLen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, keyLen,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, CURRENT, KEY_LEN);
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

// Verifying against this when the user does not exist keeps the response time the same either way.
let dummyHash: Promise<string> | undefined;

/** Constant-time check. `encoded` null means "no such user": the same work is done, and false returned. */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const target = encoded ?? (await (dummyHash ??= hashPassword('not-a-real-password-Aa1!')));
  const parts = target.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(actual, expected) && encoded !== null;
}

export const PASSWORD_POLICY_TEXT =
  'at least 8 characters, with lower-case and upper-case letters, a digit and a symbol';

/** Returns null when the password meets the policy, otherwise what is missing. */
export function policyViolation(password: string): string | null {
  const missing: string[] = [];
  if (password.length < 8) missing.push('at least 8 characters');
  if (!/[a-z]/.test(password)) missing.push('a lower-case letter');
  if (!/[A-Z]/.test(password)) missing.push('an upper-case letter');
  if (!/[0-9]/.test(password)) missing.push('a digit');
  if (!/[^A-Za-z0-9]/.test(password)) missing.push('a symbol');
  if (password.length > 1024) return 'at most 1024 characters';
  return missing.length ? `needs ${missing.join(', ')}` : null;
}

/** A random password that meets the policy (for the first admin). */
export function generatePassword(length = 20): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#%+-=?@^_'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
