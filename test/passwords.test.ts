// Password policy (spec §1.2) and scrypt hashing.
import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, policyViolation, verifyPassword } from '../src/auth/passwords.js';
import { parseListen } from '../src/config.js';
import { parseRole } from '../src/auth/roles.js';

describe('passwords', () => {
  it('enforces >= 8 characters with lower, upper, digit and symbol', () => {
    expect(policyViolation('Abcdef1!')).toBeNull();
    expect(policyViolation('Abcde1!')).toMatch(/at least 8 characters/);
    expect(policyViolation('abcdefg1!')).toMatch(/upper-case/);
    expect(policyViolation('ABCDEFG1!')).toMatch(/lower-case/);
    expect(policyViolation('Abcdefgh!')).toMatch(/digit/);
    expect(policyViolation('Abcdefgh1')).toMatch(/symbol/);
  });

  it('generates passwords that meet the policy', () => {
    for (let i = 0; i < 200; i++) expect(policyViolation(generatePassword())).toBeNull();
  });

  it('hashes with scrypt and a random salt, and verifies', async () => {
    const a = await hashPassword('Secret#123');
    const b = await hashPassword('Secret#123');
    expect(a).toMatch(/^scrypt\$65536\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Secret#123', a)).toBe(true);
    expect(await verifyPassword('Secret#124', a)).toBe(false);
    expect(await verifyPassword('Secret#123', null)).toBe(false);
    expect(await verifyPassword('Secret#123', 'md5$abc')).toBe(false);
  });
});

describe('parsing', () => {
  it('listen addresses', () => {
    expect(parseListen('127.0.0.1:8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListen('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(parseListen(':8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    for (const bad of ['8443', 'host:99999', 'host:', '::1:443']) expect(() => parseListen(bad), bad).toThrow(/invalid listen address/);
  });

  it('role names in the spellings operators use', () => {
    expect(parseRole('Admin')).toBe('admin');
    expect(parseRole('Administrator')).toBe('admin');
    expect(parseRole('Security Analyst')).toBe('security-analyst');
    expect(parseRole('read_only')).toBe('read-only');
    expect(parseRole('Read Only')).toBe('read-only');
    expect(parseRole('operator')).toBeNull();
  });
});
