// PROFINET DCP facts from tshark (truth `ot.pn_dcp`): services seen, and per device the name, vendor,
// device id and IP it states (responses), the name it searches for (Identify requests) or the IP a
// Set request assigns to the destination MAC (see the README caveats in ../shared/pcaps).
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface DcpTruth {
  services?: Record<string, number>;
  devices_and_settings?: Array<{
    src_mac: string; dst_mac: string; service_id: number; service_type: number;
    name_of_station: string | null; vendor_id: number | null; device_id: number | null;
    ip: string | null; netmask: string | null; gateway: string | null; device_vendor_value: string | null;
  }>;
}

export const matcher: TruthMatcher = {
  section: 'pn_dcp',
  check(truth, pdus) {
    const t = truth as DcpTruth;
    const dcp = pdus.filter((p) => p.proto === 'pndcp' && p.kind !== 'rt_frame');
    const facts: FactCheck[] = [];
    for (const key of Object.keys(t.services ?? {})) {
      const m = /service (\d+) type (\d+)/.exec(key);
      if (!m) continue;
      const sid = Number(m[1]), type = Number(m[2]);
      facts.push({ fact: `pn_dcp ${key}`, required: true, found: dcp.some((p) => p.functionCode === sid && p.serviceType === type) });
    }
    for (const d of t.devices_and_settings ?? []) {
      const from = dcp.filter((p) => p.srcMac === d.src_mac && p.dstMac === d.dst_mac && p.functionCode === d.service_id && p.serviceType === d.service_type);
      if (d.service_type === 1) {
        const ok = from.some((p) => (d.name_of_station === null || p.nameOfStation === d.name_of_station)
          && (d.vendor_id === null || p.vendorId === d.vendor_id) && (d.device_id === null || p.deviceId === d.device_id)
          && (d.ip === null || (p.ip === d.ip && p.netmask === d.netmask && p.gateway === d.gateway))
          && (d.device_vendor_value === null || p.deviceVendorValue === d.device_vendor_value));
        facts.push({ fact: `pn_dcp response from ${d.src_mac}: ${d.name_of_station} vendor ${d.vendor_id} device ${d.device_id} ip ${d.ip}`, required: true, found: ok });
      } else if (d.service_id === 4) {
        const ok = from.some((p) => {
          const a = p.assign as Record<string, string> | undefined;
          return (d.ip === null || (a?.ip === d.ip && a?.netmask === d.netmask && a?.gateway === d.gateway)) && (d.name_of_station === null || a?.nameOfStation === d.name_of_station);
        });
        facts.push({ fact: `pn_dcp Set from ${d.src_mac} assigns ${d.ip ?? d.name_of_station} to ${d.dst_mac}`, required: true, found: ok });
      } else {
        const ok = from.some((p) => {
          const f = p.filter as 'all' | { nameOfStation?: string } | undefined;
          return d.name_of_station === null ? f === 'all' || f === undefined : typeof f === 'object' && f.nameOfStation === d.name_of_station;
        });
        facts.push({ fact: `pn_dcp request from ${d.src_mac} searching ${d.name_of_station ?? 'all'}`, required: true, found: ok });
      }
    }
    return facts;
  },
};
