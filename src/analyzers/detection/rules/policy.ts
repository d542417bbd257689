// Policy: what the learned baseline does not contain (issue 6; spec §4.1, §5.6). While learning, new
// devices, connections and protocol operations become the baseline and raise nothing; afterwards a
// new one raises the catalog's "new traffic combination" alert for its protocol. Device and
// connection detections are timeline events whatever the mode (§3 DEVICE_CREATE, DEVICE_CONNECTION_CREATED).
import type { Packet } from '../../../decode/packet.js';
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import type { Flow } from '../../../flows/flow.js';
import { ipv4IsLocalRange, ipv4NeverDevice, ipv4Number, ipv4Text, ipv6IsLocalRange, ipv6NeverDevice, macIsGroup } from '../../inventory/addresses.js';
import { addr, type DetectionContext, endpointsOf, protocolName, type Rule } from '../rule.js';

/** The catalog's "new traffic combination" title per protocol (spec §4.1). */
const COMBINATION_TITLE: Record<string, string> = {
  modbus: 'Unpermitted Usage of Modbus Function Code',
  dnp3: 'Unpermitted Usage of DNP3 Function Code',
  iec104: 'Unpermitted Usage of ASDU Types',
  cip: 'New Activity Detected - CIP Class Service',
  enip: 'New Activity Detected - EtherNet/IP Protocol Command',
  bacnet: 'Unauthorized BACNet Object Access',
  s7comm: 'Unauthorized Siemens S7 Execution of Control Function',
  s7commplus: 'Unauthorized Siemens S7 Plus Operation',
  mms: 'Unauthorized MMS Service',
  opcua: 'Unauthorized OPC UA Request/Response',
  snmp: 'Unauthorized SNMP Operation',
  http: 'Unauthorized HTTP Activity',
  pndcp: 'Unauthorized Profinet Frame Type',
};

/** Bounds on what this rule remembers (architecture rule 5). */
const MAX_SEEN = 1_000_000;

/** An address the sensor treats as the plant's own (a device, not the Internet). */
function local(ip: string): boolean {
  const n = ipv4Number(ip);
  if (n === null) return ipv6IsLocalRange(ip);
  return ipv4IsLocalRange(n);
}

function publicAddress(ip: string): boolean {
  const n = ipv4Number(ip);
  if (n === null) return !ipv6NeverDevice(ip) && !ipv6IsLocalRange(ip);
  return !ipv4IsLocalRange(n) && !ipv4NeverDevice(n) && (n >>> 24) !== 0;
}

export function policyRule(): Rule {
  const senders = new Set<number>();
  const macs = new Set<string>();
  const pairs = new Set<string>();
  const newDevice = (entry: string, who: string, ts: number, ctx: DetectionContext, title = 'New Asset Detected', protocol: string | null = null) => {
    ctx.event(ts, 'DEVICE_CREATE', `New device detected: ${who}`);
    if (ctx.known(entry)) return;
    if (ctx.learning(ts)) return ctx.learn(entry);
    ctx.raise(title, ts, who.includes(':') && !who.includes('.') ? { ip: null, mac: who } : { ip: who, mac: null }, null,
      `A new device ${who} was detected on the network. It is not in the learned baseline, so it is not authorized.`, { protocol, learn: [entry] });
  };
  return {
    name: 'policy',
    packet(pkt: Packet, _flow: Flow | null, _dir: Direction, ctx: DetectionContext) {
      if (pkt.ipVersion !== 4) return;
      const ip = pkt.src4;
      if (senders.has(ip) || ipv4NeverDevice(ip) || senders.size >= MAX_SEEN) return;
      senders.add(ip);
      // a plant-range sender is a new device; any other sender is learned while learning (a plant on
      // public addresses, like the ITI testbed's 141.81/16, is then authorized) but alerts only by Internet access
      if (ipv4IsLocalRange(ip)) newDevice(`device:${ipv4Text(ip)}`, ipv4Text(ip), pkt.ts, ctx);
      else if (ctx.learning(pkt.ts)) ctx.learn(`device:${ipv4Text(ip)}`);
    },
    flowStart(flow: Flow, ctx: DetectionContext) {
      const c = flow.clientIp, s = flow.serverIp;
      const pair = c < s ? `${c}|${s}` : `${s}|${c}`;
      if (!pairs.has(pair) && pairs.size < MAX_SEEN) {
        pairs.add(pair);
        ctx.event(flow.firstTs, 'DEVICE_CONNECTION_CREATED', `Connected devices ${c} and ${s}`);
      }
      // Internet access (spec §4.1 #14): a plant device and a public address in one conversation
      const inside = local(c) ? c : local(s) ? s : null;
      const outside = publicAddress(s) ? s : publicAddress(c) ? c : null;
      if (inside === null || outside === null) return;
      const entry = `internet:${inside}`;
      if (ctx.known(entry)) return;
      if (ctx.learning(flow.firstTs)) return ctx.learn(entry);
      const port = flow.proto === 6 || flow.proto === 17 ? flow.serverPort : 0;
      const app = flow.app ? protocolName(flow.app.dissector.id) : flow.proto === 6 ? 'TCP' : flow.proto === 17 ? 'UDP' : 'IP';
      ctx.raise('Internet Access Detected', flow.firstTs, { ip: c, mac: null }, { ip: s, mac: null },
        `Device ${inside} ${inside === c ? 'tried to access' : 'was accessed from'} an external IP address (${outside}) which is an address in the Internet and is not allowed by policy. It is recommended to notify the security officer of the incident.`,
        { protocol: app, info: { description: 'External Addresses', information: [`${outside} over port ${app} (${port})`] }, key: inside, learn: [entry] });
    },
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      if (!flow) {
        // layer 2 only (LLDP, CDP, DCP, GOOSE): the sending MAC is the device
        const mac = p.srcMac as string | undefined;
        if (mac && !macs.has(mac) && !macIsGroup(mac) && macs.size < MAX_SEEN) {
          macs.add(mac);
          newDevice(`device:${mac}`, mac, ts, ctx, p.proto === 'lldp' ? 'New LLDP Device Configuration' : 'New Asset Detected', protocolName(p.proto));
        }
      }
      const title = COMBINATION_TITLE[p.proto];
      if (!title || p.role !== 'request' || typeof p.functionCode !== 'number') return;
      // per flow first: a string key is built only for a function code new to this flow
      let seen: Set<number> | undefined;
      if (flow) {
        seen = flow.notes.policyCodes as Set<number> | undefined;
        if (!seen) flow.notes.policyCodes = seen = new Set();
        if (seen.has(p.functionCode)) return;
        seen.add(p.functionCode);
      }
      const [src, dst] = endpointsOf(p, flow, dir);
      const community = p.proto === 'snmp' && typeof p.community === 'string' ? p.community : null;
      const entry = `op:${p.proto}:${addr(src)}>${addr(dst)}:${p.functionCode}${community !== null ? `:${community}` : ''}`;
      if (ctx.known(entry)) return;
      if (ctx.learning(ts)) return ctx.learn(entry);
      const proto = protocolName(p.proto);
      const what = community !== null ? `${p.functionName} with the community "${community}"${community === 'public' || community === 'private' ? ' (a default community)' : ''}` : `${p.functionName} (${p.functionCode})`;
      ctx.raise(title, ts, src, dst, `New traffic combination: ${addr(src)} used ${proto} ${what} towards ${addr(dst)}, which is not in the learned baseline.`,
        { protocol: proto, learn: [entry] });
    },
  };
}
