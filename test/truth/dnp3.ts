// DNP3 facts from tshark's truth (`ot.dnp3`): link address pairs and which IP uses which address,
// application and link function codes, object headers (group/variation) and IIN device restart.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface Dnp3Truth {
  link_address_pairs?: Array<{ src: number; dst: number; frames: number }>;
  ip_to_link_addresses?: Record<string, number[]>;
  app_function_codes?: Record<string, number>;
  app_function_names?: Record<string, string>;
  link_primary_function_codes?: Record<string, number>;
  link_secondary_function_codes?: Record<string, number>;
  object_headers?: Record<string, number>;
  frames_with_iin_device_restart?: number;
}

type P = Pdu & { src: string; dst: string };

// Where tshark's own reassembly is wrong, checked frame by frame in icsnpp-dnp3-sel-example.pcap:
// - it loses application fragments whose transport sequence wraps from 63 to 0 (frames 808-810: 0x7e,
//   0x3f, 0x80), so its response/object counts are lower than what the capture holds;
// - it glues frame 311 (a Response, AC 0xc8 FC 0x81) to frame 210 ("Conflicting data in fragment
//   overlap") and reports a Confirm that is not on the wire. A lone FC 0 is therefore not required.
const COUNTS = "tshark misses fragments whose transport sequence wraps 63 -> 0, so exact counts are informative";
const MISREAD = "tshark's fragment table turned a Response into a Confirm (icsnpp frame 311); no Confirm is on the wire";
// Fuzzed captures put junk after a bad object: tshark reads stray octets as more headers, we stop at
// the first header we cannot walk (and raise dnp3.malformed_objects).
const FUZZED = 'fuzzed object headers: tshark lists stray octets after a malformed header, we stop there';
const misread = (fc: string, n: number): boolean => fc === '0' && n === 1;
interface Obj { group: number; variation: number }

export const matcher: TruthMatcher = {
  section: 'dnp3',
  check(truth, all) {
    const t = truth as Dnp3Truth;
    const pdus = all.filter((p) => p.proto === 'dnp3') as Array<P & Record<string, unknown>>;
    const facts: FactCheck[] = [];
    const app = pdus.filter((p) => typeof p.functionCode === 'number');

    for (const pair of t.link_address_pairs ?? []) {
      const mine = pdus.filter((p) => p.linkSource === pair.src && p.linkDestination === pair.dst);
      facts.push({ fact: `link ${pair.src} -> ${pair.dst}`, found: mine.length > 0, required: true });
      // tshark counts link frames; a reassembled PDU says how many frames it took
      const frames = mine.reduce((n, p) => n + ((p.linkFrames as number | undefined) ?? 1), 0);
      facts.push({
        fact: `link ${pair.src} -> ${pair.dst}: ${pair.frames} frames`, found: frames === pair.frames, required: false,
        why: `counted ${frames}: frames with a damaged body and tshark's per-TCP-segment counting can differ`,
      });
    }
    for (const [ip, addrs] of Object.entries(t.ip_to_link_addresses ?? {})) {
      for (const a of addrs) {
        facts.push({ fact: `${ip} uses link address ${a}`, found: pdus.some((p) => p.src === ip && p.linkSource === a), required: true });
      }
    }
    for (const [fc, n] of Object.entries(t.app_function_codes ?? {})) {
      const count = app.filter((p) => p.functionCode === Number(fc)).length;
      facts.push({ fact: `application function ${fc}`, found: count > 0, required: !misread(fc, n), why: misread(fc, n) ? MISREAD : undefined });
      facts.push({ fact: `application function ${fc} x${n}`, found: count === n, required: false, why: `counted ${count}; ${COUNTS}` });
    }
    for (const [fc, name] of Object.entries(t.app_function_names ?? {})) {
      const n = t.app_function_codes?.[fc] ?? 0;
      facts.push({
        fact: `function ${fc} is named "${name}"`, found: app.some((p) => p.functionCode === Number(fc) && p.functionName === name),
        required: !misread(fc, n), why: misread(fc, n) ? MISREAD : undefined,
      });
    }
    for (const [key, primary] of [['link_primary_function_codes', true], ['link_secondary_function_codes', false]] as const) {
      for (const fc of Object.keys(t[key] ?? {})) {
        facts.push({
          fact: `link ${primary ? 'primary' : 'secondary'} function ${fc}`,
          found: pdus.some((p) => p.linkPrimary === primary && p.linkFunctionCode === Number(fc)), required: true,
        });
      }
    }
    const headers = new Map<string, number>();
    for (const p of app) {
      for (const o of (p.objects as Obj[] | undefined) ?? []) {
        const k = `0x${((o.group << 8) | o.variation).toString(16).padStart(4, '0')}`;
        headers.set(k, (headers.get(k) ?? 0) + 1);
      }
    }
    const fuzzed = Object.keys(t.object_headers ?? {}).some((k) => k === '0x0000' || k === '0xffff');
    for (const [k, n] of Object.entries(t.object_headers ?? {})) {
      const count = headers.get(k) ?? 0;
      facts.push({ fact: `object header ${k}`, found: count > 0, required: !fuzzed, why: fuzzed ? FUZZED : undefined });
      facts.push({ fact: `object header ${k} x${n}`, found: count === n, required: false, why: `counted ${count}; ${fuzzed ? FUZZED : COUNTS}` });
    }
    if (t.frames_with_iin_device_restart !== undefined) {
      const n = app.filter((p) => (p.iin as { deviceRestart?: boolean } | undefined)?.deviceRestart).length;
      facts.push({ fact: `IIN device restart x${t.frames_with_iin_device_restart}`, found: n === t.frames_with_iin_device_restart, required: true, why: `counted ${n}` });
    }
    return facts;
  },
};
