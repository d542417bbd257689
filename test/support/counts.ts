// Counting helpers the truth matchers share (test/truth/*.ts): tshark's truth lists counts per key,
// and each matcher counts the same keys over our PDUs.
import type { FactCheck } from '../truth.test.js';

/** How many of `xs` have each key (items whose key is undefined are not counted). */
export function countBy<T, K>(xs: readonly T[], key: (x: T) => K | undefined): Map<K, number> {
  const m = new Map<K, number>();
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** One fact per truth entry: our count for the same key must equal tshark's. */
export function compareCounts(label: string, truth: Record<string, number> | undefined, ours: Map<string, number>): FactCheck[] {
  return Object.entries(truth ?? {}).map(([k, n]) => {
    const got = ours.get(k) ?? 0;
    return { fact: `${label} ${k}: ${n}`, found: got === n, required: true, ...(got === n ? {} : { why: `we count ${got}` }) };
  });
}
