// Run-time options of the daemon, from flags and environment, validated in one place.
import { InputError } from './errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:8443';

export interface ListenAddress { host: string; port: number }

/** Parses "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces). */
export function parseListen(value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InputError(`invalid listen address '${value}': use HOST:PORT, e.g. 127.0.0.1:8443`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function formatUrl(scheme: 'https' | 'http', host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
