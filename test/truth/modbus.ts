// Modbus facts of tshark's truth (ot.modbus, made by ../shared/pcaps/tools/make_truth.py: ot_modbus)
// against the PDUs our dissector produced. tshark counts a PDU as a request when it goes to port 502,
// and reports an exception response under its base function code (0x80 cleared), as we do.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface ModbusTruth {
  unit_ids: number[];
  servers: Record<string, number[]>;
  clients: string[];
  request_function_codes: Record<string, number>;
  response_function_codes: Record<string, number>;
  function_code_names: Record<string, string>;
  write_function_codes_requested: number[];
  exceptions: Array<{ function_code: number; exception_code: number; count: number }>;
}

type P = Pdu & { src: string; dst: string; role?: string; unit?: number; functionCode?: number; functionName?: string; op?: string; exception?: { code: number } };

function count<K>(items: Iterable<K>): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export const matcher: TruthMatcher = {
  section: 'modbus',
  check(truth, all) {
    const t = truth as ModbusTruth;
    const pdus = (all as P[]).filter((p) => p.proto === 'modbus');
    const req = pdus.filter((p) => p.role === 'request');
    const resp = pdus.filter((p) => p.role === 'response');
    const facts: FactCheck[] = [];
    const fact = (fact: string, found: boolean) => facts.push({ fact, found, required: true });

    const units = new Set(pdus.map((p) => p.unit));
    for (const u of t.unit_ids) fact(`unit id ${u}`, units.has(u));
    for (const [ip, us] of Object.entries(t.servers)) {
      for (const u of us) fact(`server ${ip} unit ${u}`, pdus.some((p) => p.unit === u && (p.role === 'request' ? p.dst : p.src) === ip));
    }
    const clients = new Set(pdus.map((p) => (p.role === 'request' ? p.src : p.dst)));
    for (const ip of t.clients) fact(`client ${ip}`, clients.has(ip));

    const reqFc = count(req.map((p) => p.functionCode));
    const respFc = count(resp.map((p) => p.functionCode));
    const counts = (what: string, truthCounts: Record<string, number>, ours: Map<number | undefined, number>) => {
      for (const [fc, n] of Object.entries(truthCounts)) {
        const got = ours.get(Number(fc)) ?? 0;
        fact(`${what} with function ${fc}`, got > 0);
        if (got > n) {
          // tshark does not dissect a segment it classes as a retransmission even when it also carries new
          // bytes (plant1-mixed frame 1131: seq 139 len 60, 12 old + 48 new); our reassembly keeps the new PDUs
          facts.push({ fact: `exactly ${n} ${what} with function ${fc}`, found: false, required: false,
            why: `we decode ${got}: tshark skips PDUs in retransmitted segments that also carry new data` });
        } else {
          fact(`exactly ${n} ${what} with function ${fc}`, got === n);
        }
      }
    };
    counts('request(s)', t.request_function_codes, reqFc);
    counts('response(s)', t.response_function_codes, respFc);

    for (const [fc, name] of Object.entries(t.function_code_names)) {
      if (name === 'other') continue; // tshark has no name: neither do we (we say "Unknown (n)")
      const want = name.replace(/ \(MEI\)$/, '');
      fact(`function ${fc} named "${want}"`, pdus.some((p) => p.functionCode === Number(fc) &&
        (p.functionName === want || (fc === '43' && p.functionName === 'Read Device Identification'))));
    }
    for (const fc of t.write_function_codes_requested) fact(`write function ${fc} requested`, req.some((p) => p.functionCode === fc && p.op === 'write'));

    const exc = count(resp.filter((p) => p.exception).map((p) => `${p.functionCode}/${p.exception!.code}`));
    for (const e of t.exceptions) fact(`${e.count} exception(s) ${e.exception_code} to function ${e.function_code}`, exc.get(`${e.function_code}/${e.exception_code}`) === e.count);
    return facts;
  },
};
