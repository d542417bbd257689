// DNS truth (tshark's dns fields): every query name, and every A record as name -> address. The same
// check serves mdns and llmnr (their files reuse dnsFamily), each over its own dissector's PDUs.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface DnsTruth {
  query_names: Record<string, number>;
  a_records: Array<{ name: string; a: string }>;
}
interface Rec { name: string; type: unknown; address?: string }
type DnsLike = Pdu & { questions?: Array<{ name: string }>; answers?: Rec[]; authority?: Rec[]; additional?: Rec[] };

export function dnsFamily(section: string): TruthMatcher {
  return {
    section,
    check(truth, pdus) {
      const t = truth as DnsTruth;
      const d = pdus.filter((p) => p.proto === section) as DnsLike[];
      const names = new Set(d.flatMap((p) => (p.questions ?? []).map((q) => q.name.toLowerCase())));
      const a = new Set(d.flatMap((p) => [...(p.answers ?? []), ...(p.authority ?? []), ...(p.additional ?? [])])
        .filter((r) => r.type === 'A').map((r) => `${r.name.toLowerCase()} ${r.address}`));
      const facts: FactCheck[] = [];
      for (const n of Object.keys(t.query_names)) facts.push({ fact: `query ${n}`, found: names.has(n.toLowerCase()), required: true });
      // tshark's truth pairs the i-th record owner name of a response with its i-th A address, which
      // is not the record's own name once a CNAME or another section comes first (upload.wikimedia.org
      // -> 208.80.152.3 is really upload.pmtpa.wikimedia.org's). So a pair also counts when the
      // address is an A record of a response in which the name is an owner or question name.
      const together = (name: string, addr: string) => d.some((p) => {
        const recs = [...(p.answers ?? []), ...(p.authority ?? []), ...(p.additional ?? [])];
        if (!recs.some((r) => r.type === 'A' && r.address === addr)) return false;
        return [...recs, ...(p.questions ?? [])].some((r) => r.name.toLowerCase() === name);
      });
      for (const r of t.a_records) {
        const n = r.name.toLowerCase();
        const exact = a.has(`${n} ${r.a}`);
        facts.push({ fact: `A ${r.name} ${r.a}`, found: exact || together(n, r.a), required: true, ...(exact ? {} : { why: 'matched within the response: the truth pairs names and addresses by position' }) });
      }
      return facts;
    },
  };
}

export const matcher = dnsFamily('dns');
