// IEC 60870-5-104 facts against tshark's truth (ot.iec104): APCI formats, U functions, ASDU type ids,
// causes of transmission and common addresses, each as one fact that the decoded PDUs must show.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface Iec104Truth {
  apci_types?: Record<string, number>;
  u_format_functions?: Record<string, number>;
  asdu_type_ids?: Record<string, number>;
  causes_of_transmission?: Record<string, number>;
  common_addresses?: number[];
}

/** U functions with exactly one bit of IEC 60870-5-104 §5.3 set; tshark also reports values from garbage. */
const VALID_U = new Set([0x01, 0x02, 0x04, 0x08, 0x10, 0x20]);

/** Type ids of IEC 60870-5-101 table 8 and IEC 60870-5-104 (the standard, compatible range). */
const STANDARD_TYPES = new Set([
  ...Array.from({ length: 21 }, (_, i) => i + 1), ...Array.from({ length: 11 }, (_, i) => i + 30),
  ...Array.from({ length: 7 }, (_, i) => i + 45), ...Array.from({ length: 7 }, (_, i) => i + 58), 70,
  ...Array.from({ length: 8 }, (_, i) => i + 100), 110, 111, 112, 113, ...Array.from({ length: 8 }, (_, i) => i + 120),
]);

export const matcher: TruthMatcher = {
  section: 'iec104',
  check(truth: unknown, all: ReadonlyArray<Pdu>): FactCheck[] {
    const t = truth as Iec104Truth;
    const pdus = all.filter((p) => p.proto === 'iec104');
    const facts: FactCheck[] = [];
    const kinds = new Set(pdus.map((p) => p.kind));
    for (const k of Object.keys(t.apci_types ?? {})) {
      const letter = /\((\w)\)/.exec(k)?.[1]?.toLowerCase() ?? '?';
      facts.push({ fact: `APCI format ${k}`, found: kinds.has(letter), required: true });
    }
    const uFns = new Set(pdus.filter((p) => p.kind === 'u').map((p) => p.uFunction as number));
    for (const k of Object.keys(t.u_format_functions ?? {})) {
      const v = Number.parseInt(k, 16);
      const valid = VALID_U.has(v);
      facts.push({
        fact: `U function ${k}`, found: uFns.has(v), required: valid,
        ...(valid ? {} : { why: 'not a valid U function: tshark decodes it from a malformed APDU inside garbage, where our framer resynchronises at the next segment' }),
      });
    }
    const iframes = pdus.filter((p) => p.kind === 'i');
    const types = new Set(iframes.map((p) => p.functionCode as number));
    // tshark scans past garbage for the next 0x68 and decodes what follows even when the APDU is cut
    // (iec104-test-dissect's fuzzed segments); our framer resynchronises at the next segment that
    // starts an APDU instead. Type ids outside the standard tables only come from such APDUs, so a
    // fact seen no more often than those APDUs is not required.
    let malformed = 0;
    for (const [k, n] of Object.entries(t.asdu_type_ids ?? {})) if (!STANDARD_TYPES.has(Number(k))) malformed += n;
    const WHY = 'tshark decodes it from a malformed APDU inside a fuzzed segment; we resynchronise at the next segment';
    for (const k of Object.keys(t.asdu_type_ids ?? {})) {
      const std = STANDARD_TYPES.has(Number(k));
      facts.push({ fact: `ASDU type ${k}`, found: types.has(Number(k)), required: std, ...(std ? {} : { why: `type id not defined by IEC 60870-5-101/104: ${WHY}` }) });
    }
    const causes = new Set(iframes.map((p) => p.cot as number));
    for (const [k, n] of Object.entries(t.causes_of_transmission ?? {})) {
      const req = n > malformed;
      facts.push({ fact: `cause of transmission ${k}`, found: causes.has(Number(k)), required: req, ...(req ? {} : { why: `seen no more often than malformed APDUs: ${WHY}` }) });
    }
    // Exact APDU counts per format: required where tshark saw no malformed APDUs (its counts then
    // cover the same frames ours do).
    for (const [k, n] of Object.entries(t.apci_types ?? {})) {
      const letter = /\((\w)\)/.exec(k)?.[1]?.toLowerCase() ?? '?';
      const ours = pdus.filter((p) => p.kind === letter).length;
      facts.push({ fact: `APCI format ${k} count ${n}`, found: ours === n, required: malformed === 0, ...(malformed === 0 ? {} : { why: `${WHY} (ours: ${ours})` }) });
    }
    const cas = new Set(iframes.map((p) => p.commonAddress as number));
    for (const ca of t.common_addresses ?? []) facts.push({ fact: `common address ${ca}`, found: cas.has(ca), required: true });
    return facts;
  },
};
