// CDP facts from tshark (truth `it.cdp`): per neighbour (sender MAC) the device id, platform, port
// and software version. tshark lists the software version's first line only.
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface CdpTruth {
  neighbors?: Array<{ src_mac: string; device_id: string | null; platform: string | null; software: string | null; port: string | null }>;
}

export const matcher: TruthMatcher = {
  section: 'cdp',
  check(truth, pdus) {
    const facts: FactCheck[] = [];
    for (const n of (truth as CdpTruth).neighbors ?? []) {
      const from = pdus.filter((p) => p.proto === 'cdp' && p.srcMac === n.src_mac);
      const has = (f: (p: (typeof from)[number]) => boolean) => from.some(f);
      const who = `cdp ${n.src_mac}`;
      facts.push({ fact: `${who} advertises`, required: true, found: from.length > 0 });
      if (n.device_id !== null) facts.push({ fact: `${who} device id ${n.device_id}`, required: true, found: has((p) => p.deviceId === n.device_id) });
      if (n.platform !== null) facts.push({ fact: `${who} platform ${n.platform}`, required: true, found: has((p) => p.platform === n.platform) });
      if (n.port !== null) facts.push({ fact: `${who} port ${n.port}`, required: true, found: has((p) => p.portId === n.port) });
      if (n.software !== null) {
        facts.push({ fact: `${who} software ${n.software}`, required: true, found: has((p) => (p.softwareVersion as string | undefined)?.split(/\r?\n/)[0] === n.software) });
      }
    }
    return facts;
  },
};
