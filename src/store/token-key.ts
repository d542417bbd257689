// The key under which API-token hashes are computed (HMAC-SHA256). Kept apart from config.json so a
// copy of the config alone does not even allow offline guessing of tokens.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CorruptStoreError } from './errors.js';
import { syncDirectory } from './durable-json-file.js';

export const TOKEN_KEY_FILE = 'token.key';
const KEY_BYTES = 32;

/**
 * Reads the key, creating it when absent and no token exists yet. Call under the write lock.
 * A missing key with tokens on file is an error: every token would silently stop working.
 */
export function loadTokenKey(dataDir: string, tokensExist: boolean): Buffer {
  const path = join(dataDir, TOKEN_KEY_FILE);
  try {
    const key = readFileSync(path);
    if (key.length !== KEY_BYTES) throw new CorruptStoreError(path, `expected ${KEY_BYTES} bytes, found ${key.length}`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (tokensExist) {
    throw new CorruptStoreError(path, 'the file is missing while config.json lists API tokens, so none of them could be verified');
  }
  const key = randomBytes(KEY_BYTES);
  const fd = openSync(path, 'wx', 0o600);
  try { writeSync(fd, key); } finally { closeSync(fd); }
  syncDirectory(dataDir);
  return key;
}
