// API token format: "ots_" + 36 base62 random characters (214 bits) + 6 base62 characters of CRC32.
// The prefix lets secret scanners find a leaked token; the checksum rejects a mistyped or invented
// one offline, before any lookup (the scheme GitHub introduced in 2021; tokens.md).
import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const TOKEN_PREFIX = 'ots_';
const RANDOM_CHARS = 36;
const CHECKSUM_CHARS = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const TOKEN_LENGTH = TOKEN_PREFIX.length + RANDOM_CHARS + CHECKSUM_CHARS;
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

function base62(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s;
}

function checksum(body: string): string {
  return base62(crc32(TOKEN_PREFIX + body) >>> 0, CHECKSUM_CHARS);
}

export function generateToken(): string {
  let body = '';
  while (body.length < RANDOM_CHARS) {
    for (const b of randomBytes(64)) {
      if (b < 248 && body.length < RANDOM_CHARS) body += ALPHABET[b % 62]; // 248 = 4*62: no modulo bias
    }
  }
  return TOKEN_PREFIX + body + checksum(body);
}

export type TokenShape = 'ok' | 'not-a-token' | 'bad-checksum';

/** Offline check: the prefix and length, then the CRC32 tail. */
export function checkTokenShape(raw: string): TokenShape {
  if (!SHAPE.test(raw)) return 'not-a-token';
  const body = raw.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_CHARS);
  return checksum(body) === raw.slice(-CHECKSUM_CHARS) ? 'ok' : 'bad-checksum';
}

/** Keyed hash stored instead of the secret. */
export function hashToken(secret: string, key: Buffer): string {
  return createHmac('sha256', key).update(secret).digest('base64url');
}
