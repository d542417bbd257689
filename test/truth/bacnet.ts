// BACnet facts from tshark's truth (ot.bacnet) against the bacnet dissector's PDUs: APDU types,
// confirmed-service requests, unconfirmed services, BVLC functions, I-Am devices (instance + vendor),
// object names, and error/reject/abort codes. tshark also decodes BACnet/Ethernet (802.2 LLC, no IP),
// which this BACnet/IP dissector does not see: facts that can come from those frames are not required.
import type { FactCheck, TruthMatcher } from '../truth.test.js';
import { countBy } from '../support/counts.js';

interface IAmTruth { src_ip: string; src_net: number | null; device_instance: number; vendor_id: number }
interface BacnetTruth {
  apdu_types?: Record<string, number>;
  confirmed_service_requests?: Record<string, number>;
  unconfirmed_services?: Record<string, number>;
  i_am_devices?: IAmTruth[];
  object_names?: string[];
  bvlc_functions?: Record<string, number>;
  errors_rejects_aborts?: Record<string, number>;
}

type P = Record<string, unknown>;
const ETHERNET_WHY = 'the capture also carries BACnet/Ethernet (LLC) frames, which tshark counts and this BACnet/IP dissector does not see';

/** "12 (ReadProperty)" -> 12 */
const code = (key: string): number => Number.parseInt(key, /^0x/i.test(key) ? 16 : 10);

export const matcher: TruthMatcher = {
  section: 'bacnet',
  check(truth, all) {
    const t = truth as BacnetTruth;
    const pdus = all.filter((p) => p.proto === 'bacnet') as unknown as P[];
    // BACnet/Ethernet shows as I-Ams without an IP source; then tshark's counts include frames we never
    // see (bacnet-services: 101 I-Am, 4 Who-Is, 2 Who-Has, 1 TimeSynchronization over LLC), so a count is
    // checked but not required, while the presence of each type and service still is
    const hasEthernet = (t.i_am_devices ?? []).some((d) => d.src_ip === '');
    const facts: FactCheck[] = [];

    const counted = (label: string, table: Record<string, number> | undefined, ours: Map<number, number>) => {
      for (const [key, n] of Object.entries(table ?? {})) {
        const got = ours.get(code(key)) ?? 0;
        facts.push({ fact: `${label} ${key} present`, found: got > 0, required: true });
        facts.push(hasEthernet
          ? { fact: `${label} ${key} x${n}`, found: got === n, required: false, why: ETHERNET_WHY }
          : { fact: `${label} ${key} x${n}`, found: got === n, required: true });
      }
    };

    counted('apdu type', t.apdu_types, countBy(pdus, (p) => p.apduType as number | undefined));
    counted('confirmed request', t.confirmed_service_requests,
      countBy(pdus, (p) => (p.apduType === 0 ? p.functionCode as number : undefined)));
    counted('unconfirmed service', t.unconfirmed_services,
      countBy(pdus, (p) => (p.apduType === 1 ? p.functionCode as number : undefined)));
    // BVLC functions are IP-only, so their counts are exact even beside BACnet/Ethernet
    const bvlc = countBy(pdus, (p) => p.bvlcFunction as number | undefined);
    for (const [key, n] of Object.entries(t.bvlc_functions ?? {})) {
      const got = bvlc.get(code(key)) ?? 0;
      facts.push({ fact: `bvlc function ${key} x${n}`, found: got === n, required: true });
    }

    const iams = new Set(pdus.filter((p) => p.kind === 'i_am').map((p) => `${p.deviceInstance}/${p.vendorId}`));
    for (const d of t.i_am_devices ?? []) {
      const fact = `I-Am device ${d.device_instance} vendor ${d.vendor_id}${d.src_ip ? ` from ${d.src_ip}` : ' (BACnet/Ethernet)'}`;
      const found = iams.has(`${d.device_instance}/${d.vendor_id}`);
      facts.push(d.src_ip === ''
        ? { fact, found, required: false, why: 'sent over BACnet/Ethernet (LLC), not BACnet/IP: out of scope for this dissector' }
        : { fact, found, required: true });
    }

    const names = new Set<string>();
    for (const p of pdus) {
      if (typeof p.objectName === 'string') names.add(p.objectName);
      const id = p.identity as { name?: string } | undefined;
      if (id?.name) names.add(id.name);
    }
    for (const n of t.object_names ?? []) {
      facts.push({ fact: `object name "${n}"`, found: names.has(n), required: true });
    }

    const errs = new Set<string>();
    for (const p of pdus) {
      const e = p.error as { class: number; code: number } | undefined;
      if (p.kind === 'error' && e) errs.add(`error class ${e.class} code ${e.code}`);
      if (p.kind === 'reject') errs.add(`reject reason ${(p.reject as { reason: number }).reason}`);
      if (p.kind === 'abort') errs.add(`abort reason ${(p.abort as { reason: number }).reason}`);
    }
    for (const key of Object.keys(t.errors_rejects_aborts ?? {})) {
      facts.push({ fact: key, found: errs.has(key), required: true });
    }
    return facts;
  },
};
