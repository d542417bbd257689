// The public capture corpus beside the repo (../shared/pcaps) with tshark truth files. Tests that use
// it skip, saying why, when it is absent, so a fresh clone on its own still passes its suite.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './env.js';

export const SHARED_PCAPS = join(ROOT, '..', 'shared', 'pcaps');
export const HAVE_SHARED = existsSync(SHARED_PCAPS);
export const SKIP_REASON = `../shared/pcaps is absent (looked in ${SHARED_PCAPS}); the public-capture comparison is skipped`;

export interface Truth {
  packets: number;
  conversation_count: number;
  protocol_hierarchy: Array<{ protocol: string; depth: number; frames: number; bytes: number }>;
  [k: string]: unknown;
}

export function sharedCaptures(): Array<{ name: string; path: string; truth: Truth }> {
  if (!HAVE_SHARED) return [];
  const out = [];
  for (const dir of readdirSync(SHARED_PCAPS).sort()) {
    const d = join(SHARED_PCAPS, dir);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).sort()) {
      if (!/\.(pcap|pcapng)$/.test(f)) continue;
      const path = join(d, f);
      out.push({ name: `${dir}/${f}`, path, truth: JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as Truth });
    }
  }
  return out;
}

/** Frames per protocol name, summed over the hierarchy's paths. */
export function framesByProtocol(t: Truth): Record<string, number> {
  const m: Record<string, number> = {};
  for (const e of t.protocol_hierarchy) m[e.protocol] = (m[e.protocol] ?? 0) + e.frames;
  return m;
}
