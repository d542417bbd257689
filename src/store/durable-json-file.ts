// A lowdb sync adapter that survives kill -9 and power loss at any instant.
// lowdb's own JSONFile (steno) renames a temp file but never fsyncs, so after a crash the rename can
// survive while the data does not. Here: write temp (0600) -> fsync -> rename -> fsync the directory.
// A file that does not parse is reported, never overwritten.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SyncAdapter } from 'lowdb';
import { CorruptStoreError } from './errors.js';

export class DurableJsonFile<T> implements SyncAdapter<T> {
  constructor(
    readonly path: string,
    /** Validates parsed JSON; throws CorruptStoreError/NewerSchemaError for content it must not touch. */
    private readonly validate: (raw: unknown, path: string) => T,
  ) {}

  read(): T | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new CorruptStoreError(this.path, text.length === 0 ? 'the file is empty' : `not valid JSON (${(err as Error).message})`);
    }
    return this.validate(raw, this.path);
  }

  write(data: T): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(data, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
  }

  /** Removes temp files left by a process that died mid-write (they never replaced the real file). */
  removeStaleTemps(isAlive: (pid: number) => boolean): void {
    const dir = dirname(this.path);
    const prefix = basename(this.path) + '.';
    for (const name of readdirSync(dir)) {
      const m = name.startsWith(prefix) && /^(\d+)\.tmp$/.exec(name.slice(prefix.length));
      if (m && !isAlive(Number(m[1]))) {
        try { unlinkSync(join(dir, name)); } catch { /* another process removed it */ }
      }
    }
  }
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
