// The API-token format: recognisable prefix, >= 160 random bits, CRC32 checksum (tokens.md).
import { describe, expect, it } from 'vitest';
import { checkTokenShape, generateToken, hashToken, TOKEN_LENGTH, TOKEN_PREFIX } from '../src/auth/token-format.js';

describe('token format', () => {
  it('has the prefix, the length and only base62 characters', () => {
    const t = generateToken();
    expect(t.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(t).toHaveLength(TOKEN_LENGTH);
    expect(t).toMatch(/^ots_[0-9A-Za-z]{42}$/);
    // 36 random base62 characters carry 36 * log2(62) bits.
    expect(36 * Math.log2(62)).toBeGreaterThanOrEqual(160);
  });

  it('validates its own checksum and rejects every single-character change', () => {
    const t = generateToken();
    expect(checkTokenShape(t)).toBe('ok');
    for (let i = TOKEN_PREFIX.length; i < t.length; i++) {
      const c = t[i] === 'x' ? 'y' : 'x';
      expect(checkTokenShape(t.slice(0, i) + c + t.slice(i + 1)), `position ${i}`).toBe('bad-checksum');
    }
  });

  it('tells foreign strings from mistyped tokens', () => {
    expect(checkTokenShape('1234b734a9244d54ab8d40aedddcabcd')).toBe('not-a-token');
    expect(checkTokenShape(generateToken().slice(0, -1))).toBe('not-a-token');
    expect(checkTokenShape(generateToken() + 'a')).toBe('not-a-token');
    expect(checkTokenShape('ots_' + '!'.repeat(42))).toBe('not-a-token');
  });

  it('is unique and spreads over the whole alphabet', () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const t = generateToken();
      seen.add(t);
      for (const ch of t.slice(4, 40)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(2000);
    expect(counts.size).toBe(62);
    // 72,000 characters over 62 symbols: ~1161 each; a biased generator would leave some far off.
    for (const [ch, n] of counts) expect(n, ch).toBeGreaterThan(950);
  });

  it('hashes under a key: same token, different key, different hash', () => {
    const t = generateToken();
    const a = hashToken(t, Buffer.alloc(32, 1));
    expect(a).toBe(hashToken(t, Buffer.alloc(32, 1)));
    expect(a).not.toBe(hashToken(t, Buffer.alloc(32, 2)));
    expect(a).not.toContain(t.slice(4));
  });
});
