// SNMP truth (tshark's snmp fields): communities, versions ("1 (v2c)" is the wire value), PDU types
// ("0 (get)" is the context tag number) and agents (senders of responses and traps).
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface SnmpTruth { communities: Record<string, number>; versions: Record<string, number>; pdu_types: Record<string, number>; agents: string[] }

export const matcher: TruthMatcher = {
  section: 'snmp',
  check(truth, pdus) {
    const t = truth as SnmpTruth;
    const d = pdus.filter((p) => p.proto === 'snmp') as Array<Pdu & { src: string; [k: string]: unknown }>;
    const facts: FactCheck[] = [];
    for (const c of Object.keys(t.communities)) facts.push({ fact: `community ${c}`, found: d.some((p) => p.community === c), required: true });
    for (const v of Object.keys(t.versions)) facts.push({ fact: `version ${v}`, found: d.some((p) => p.version === parseInt(v, 10)), required: true });
    for (const k of Object.keys(t.pdu_types)) facts.push({ fact: `pdu ${k}`, found: d.some((p) => p.functionCode === parseInt(k, 10)), required: true });
    for (const a of t.agents) facts.push({ fact: `agent ${a}`, found: d.some((p) => p.src === a && (p.role === 'response' || p.role === 'notify')), required: true });
    return facts;
  },
};
