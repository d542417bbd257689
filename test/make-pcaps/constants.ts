// Fixed values every part shares: where the captures go, the generator name written into them
// (pcapng shb_userappl, README rows, EXPECTED.json) and the fixed clock.
import { fileURLToPath } from 'node:url';

export const OUT = fileURLToPath(new URL('../../pcaps/', import.meta.url));
export const GENERATOR = 'test/make-pcaps.ts';
export const S = 1_000_000_000n;
export const MS = 1_000_000n;
export const US = 1_000n;
export const T0 = 1_704_067_200n * S; // 2024-01-01T00:00:00Z
export const APPL = 'otsensor test/make-pcaps.ts';
