// DHCP truth (tshark's dhcp fields): message types, each client's MAC with its hostnames, vendor
// classes and offered/requested addresses, and the servers (option 54 or the sender of replies).
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface DhcpTruth {
  message_types: Record<string, number>;
  clients: Array<{ mac: string; hostnames: string[]; vendor_classes: string[]; offered_or_requested_ips: string[] }>;
  servers: string[];
}

export const matcher: TruthMatcher = {
  section: 'dhcp',
  check(truth, pdus) {
    const t = truth as DhcpTruth;
    const d = pdus.filter((p) => p.proto === 'dhcp') as Array<Pdu & { src: string; [k: string]: unknown }>;
    const facts: FactCheck[] = [];
    for (const key of Object.keys(t.message_types)) {
      const code = parseInt(key, 10);
      facts.push({ fact: `message type ${key}`, found: d.some((p) => p.messageType === code), required: true });
    }
    for (const c of t.clients) {
      const mine = d.filter((p) => p.clientMac === c.mac);
      facts.push({ fact: `client ${c.mac}`, found: mine.length > 0, required: true });
      for (const h of c.hostnames) facts.push({ fact: `client ${c.mac} hostname ${h}`, found: mine.some((p) => p.hostname === h), required: true });
      for (const v of c.vendor_classes) facts.push({ fact: `client ${c.mac} vendor class ${v}`, found: mine.some((p) => p.vendorClass === v), required: true });
      for (const ip of c.offered_or_requested_ips) {
        facts.push({ fact: `client ${c.mac} address ${ip}`, found: mine.some((p) => p.requestedIp === ip || p.yiaddr === ip), required: true });
      }
    }
    for (const s of t.servers) {
      facts.push({ fact: `server ${s}`, found: d.some((p) => p.serverId === s || (p.bootpOp === 2 && p.src === s)), required: true });
    }
    return facts;
  },
};
