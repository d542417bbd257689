// LLDP facts from tshark (truth `it.lldp`): per neighbour (sender MAC) the chassis id, port id, port
// and system description, system name, IPv4 management address and system capabilities.
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface LldpTruth {
  neighbors?: Array<{
    src_mac: string; chassis_id: string | null; chassis_id_text?: string; port_id: string | null; port_desc: string | null;
    system_name: string | null; system_desc: string | null; mgmt_ipv4: string | null; capabilities: string | null;
  }>;
}

/** tshark prints control characters escaped ("\n" as backslash-n). */
const unescape = (s: string) => s.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t');

export const matcher: TruthMatcher = {
  section: 'lldp',
  check(truth, pdus) {
    const facts: FactCheck[] = [];
    for (const n of (truth as LldpTruth).neighbors ?? []) {
      const from = pdus.filter((p) => p.proto === 'lldp' && p.srcMac === n.src_mac);
      const has = (f: (p: (typeof from)[number]) => boolean) => from.some(f);
      const who = `lldp ${n.src_mac}`;
      facts.push({ fact: `${who} advertises`, required: true, found: from.length > 0 });
      const chassis = n.chassis_id_text ?? n.chassis_id;
      if (chassis !== null) facts.push({ fact: `${who} chassis id ${chassis}`, required: true, found: has((p) => p.chassisId === chassis) });
      if (n.port_id !== null) facts.push({ fact: `${who} port id ${n.port_id}`, required: true, found: has((p) => p.portId === n.port_id) });
      if (n.port_desc !== null) facts.push({ fact: `${who} port description ${n.port_desc}`, required: true, found: has((p) => p.portDescription === n.port_desc) });
      if (n.system_name !== null) facts.push({ fact: `${who} system name ${n.system_name}`, required: true, found: has((p) => p.systemName === n.system_name) });
      if (n.system_desc !== null) facts.push({ fact: `${who} system description`, required: true, found: has((p) => p.systemDescription === unescape(n.system_desc!)) });
      if (n.mgmt_ipv4 !== null) facts.push({ fact: `${who} management address ${n.mgmt_ipv4}`, required: true, found: has((p) => (p.managementAddresses as Array<{ address: string }> | undefined)?.some((m) => m.address === n.mgmt_ipv4) === true) });
      if (n.capabilities !== null) {
        const want = parseInt(n.capabilities, 16);
        facts.push({ fact: `${who} capabilities ${n.capabilities}`, required: true, found: has((p) => (p.capabilities as { system: number } | undefined)?.system === want) });
      }
    }
    return facts;
  },
};
