// Structured logs (pino, JSON lines) to stdout. OTSENSOR_LOG_LEVEL overrides the level.
// Synchronous writes: the daemon logs a few lines per event, never per packet, and an asynchronous
// stream flushes at exit, which blocked process.exit forever when stdout was a pipe whose reader had
// gone (a supervisor or parent that exited first). A synchronous write fails at once with EPIPE,
// after which pino stops writing.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.OTSENSOR_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'otsensor' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));
}
