// NBNS truth (tshark's nbns fields): NetBIOS names as NAME<xx> (tshark lists some twice, once with a
// service description in parentheses: the same name) and the addresses in NB records.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface NbnsTruth { names: Record<string, number>; registered_addresses: string[] }
interface Rec { name: string; address?: string }
type NbnsLike = Pdu & { questions?: Rec[]; answers?: Rec[]; authority?: Rec[]; additional?: Rec[] };

export const matcher: TruthMatcher = {
  section: 'nbns',
  check(truth, pdus) {
    const t = truth as NbnsTruth;
    const d = pdus.filter((p) => p.proto === 'nbns') as NbnsLike[];
    const all = d.flatMap((p) => [...(p.questions ?? []), ...(p.answers ?? []), ...(p.authority ?? []), ...(p.additional ?? [])]);
    // our names keep the scope id after the suffix ("NAME<00>.scope"); tshark shows the name alone
    const names = new Set(all.map((r) => r.name.replace(/^(.*?<[0-9a-f]{2}>).*$/i, '$1').toUpperCase()));
    const addrs = new Set(all.map((r) => r.address).filter(Boolean));
    const facts: FactCheck[] = [];
    for (const n of Object.keys(t.names)) {
      const bare = n.replace(/ \(.*\)$/, '').toUpperCase();
      facts.push({ fact: `name ${n}`, found: names.has(bare), required: true });
    }
    for (const a of t.registered_addresses) facts.push({ fact: `address ${a}`, found: addrs.has(a), required: true });
    return facts;
  },
};
