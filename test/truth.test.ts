// Protocol facts against tshark's truth (issue 4): every public capture runs through the pipeline,
// its application PDUs are collected, and each protocol's matcher (test/truth/<id>.ts) compares them
// with what the capture's *.truth.json lists under ot.* / it.*. The test prints, per protocol, how
// many truth facts were matched, and fails when a fact a matcher marks as required is missing.
import { describe, expect, it } from 'vitest';
import type { Pdu } from '../src/decode/types.js';
import { ingestFile } from './support/pipeline.js';
import { HAVE_SHARED, sharedCaptures, SKIP_REASON, type Truth } from './support/shared.js';

/** One truth fact and whether the dissectors produced it. */
export interface FactCheck {
  fact: string;
  found: boolean;
  /** false for facts we knowingly do not produce yet (say why in `why`) */
  required: boolean;
  why?: string;
}

/** A matcher: which truth section it reads, and the checks for one capture. */
export interface TruthMatcher {
  /** key under truth.ot or truth.it, e.g. 'modbus' */
  section: string;
  check(truth: unknown, pdus: ReadonlyArray<Pdu & { src: string; dst: string }>): FactCheck[];
}

const matchers = import.meta.glob<{ matcher: TruthMatcher }>('./truth/*.ts', { eager: true });
const list = Object.entries(matchers).map(([path, m]) => ({ id: path.replace(/^.*\/(.+)\.ts$/, '$1'), m: m.matcher }));

describe.skipIf(!HAVE_SHARED || list.length === 0)('protocol facts against tshark truth', () => {
  const totals = new Map<string, { matched: number; total: number; required: number; requiredMatched: number }>();
  for (const c of sharedCaptures()) {
    const ot = (c.truth as Truth & { ot?: Record<string, unknown>; it?: Record<string, unknown> });
    const applicable = list.filter(({ m }) => (ot.ot?.[m.section] ?? ot.it?.[m.section]) !== undefined);
    if (applicable.length === 0) continue;
    it(c.name, async () => {
      const { pdus } = await ingestFile(c.path);
      for (const { id, m } of applicable) {
        const facts = m.check(ot.ot?.[m.section] ?? ot.it?.[m.section], pdus);
        const t = totals.get(id) ?? { matched: 0, total: 0, required: 0, requiredMatched: 0 };
        for (const f of facts) {
          t.total++;
          if (f.found) t.matched++;
          if (f.required) { t.required++; if (f.found) t.requiredMatched++; }
        }
        totals.set(id, t);
        const missing = facts.filter((f) => f.required && !f.found).map((f) => f.fact);
        expect(missing, `${id}: required truth facts not produced`).toEqual([]);
      }
    });
  }

  it('prints per protocol how many truth facts were matched', () => {
    const rows = [...totals].sort().map(([id, t]) => `${id.padEnd(12)} ${String(t.matched).padStart(5)} / ${String(t.total).padEnd(5)} facts matched (required ${t.requiredMatched}/${t.required})`);
    console.log(['truth facts matched per protocol:', ...rows].join('\n'));
    expect(rows.length).toBeGreaterThan(0);
  });
});

if (!HAVE_SHARED) {
  describe('protocol facts against tshark truth', () => {
    it.skip(SKIP_REASON, () => {});
  });
}
