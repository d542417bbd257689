// Errors that stop start-up. A store we cannot read is never repaired or replaced automatically:
// the operator decides (restore a backup, or move the file away), so nothing is lost by accident.

/** A data file exists but cannot be read as what it should be. The file is left untouched. */
export class CorruptStoreError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path} is corrupt: ${reason}. It was left untouched; restore it from a backup or move it away to start fresh.`);
    this.name = 'CorruptStoreError';
  }
}

/** A data file was written by a newer otsensor (higher schema version) than this one. */
export class NewerSchemaError extends Error {
  constructor(readonly path: string, readonly found: number, readonly supported: number) {
    super(`${path} has schema version ${found}, newer than the ${supported} this otsensor understands. ` +
      'Upgrade otsensor; the file was left untouched.');
    this.name = 'NewerSchemaError';
  }
}

/** The data directory cannot be created or is unusable (not a directory, not writable). */
export class DataDirError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`data directory ${path}: ${reason}`);
    this.name = 'DataDirError';
  }
}

export function isStartupError(err: unknown): err is CorruptStoreError | NewerSchemaError | DataDirError {
  return err instanceof CorruptStoreError || err instanceof NewerSchemaError || err instanceof DataDirError;
}
