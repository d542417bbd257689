// Structured logs (pino, JSON lines) to stdout. OTSENSOR_LOG_LEVEL overrides the level.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.OTSENSOR_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'otsensor' }, timestamp: pino.stdTimeFunctions.isoTime });
}
