// The appliance's data directory: private to the service account (0700 directory, 0600 files).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirError } from './errors.js';

export const DATA_DIR_ENV = 'OTSENSOR_DATA_DIR';
export const DEFAULT_DATA_DIR = './data';

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env[DATA_DIR_ENV] ?? DEFAULT_DATA_DIR);
}

/**
 * Creates the directory (0700) if needed and tightens an existing one that others could read.
 * The process umask is set to 077 so every file created afterwards (SQLite WAL/SHM included) is 0600.
 * Returns a warning when permissions had to be tightened, for the caller to log.
 */
export function prepareDataDir(dir: string): { warning?: string } {
  process.umask(0o077);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataDirError(dir, `cannot create it (${(err as Error).message})`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new DataDirError(dir, 'exists but is not a directory');
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    return { warning: `data directory ${dir} was accessible to other users (mode ${(st.mode & 0o777).toString(8)}); set to 0700` };
  }
  return {};
}
