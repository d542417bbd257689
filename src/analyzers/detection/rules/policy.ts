// Policy: what the learned baseline does not contain (issue 6; spec §4.1, §5.6). While learning, new
// devices, connections and protocol operations become the baseline and raise nothing; afterwards a
// new one raises the catalog's "new traffic combination" alert for its protocol. Device and
// connection detections are timeline events whatever the mode (§3 DEVICE_CREATE, DEVICE_CONNECTION_CREATED).
import type { Packet } from '../../../decode/packet.js';
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import { type Flow, noteSlot } from '../../../flows/flow.js';
import { ipv4IsLocalRange, ipv4NeverDevice, ipv4Text, ipv6IsLocalRange, ipv6NeverDevice, macIsGroup } from '../../inventory/addresses.js';
import { addr, type DetectionContext, endpointsOf, laterInFlow, protocolName, type Rule } from '../rule.js';

/** the function codes a flow used already */
const CODES = noteSlot();

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
  fins: 'Omron FINS Unauthorized Command',
  srtp: 'Unauthorized GE SRTP Protocol Command',
};

/** GE SRTP has three titles (spec §4.1 #56-58): the dissector files each service under one of them. */
const SRTP_TITLE: Record<string, string> = {
  file: 'Unauthorized GE SRTP File Access',
  system_memory: 'Unauthorized GE SRTP System Memory Operation',
};

/** Bounds on what this rule remembers (architecture rule 5). */
const MAX_SEEN = 1_000_000;

/** A flow's client or server as the plant's own (a device, not the Internet), or a public address. */
function local(flow: Flow, client: boolean): boolean {
  if (flow.ipVersion === 4) return ipv4IsLocalRange(client ? flow.clientIp4 : flow.serverIp4);
  return ipv6IsLocalRange(client ? flow.clientIp6 : flow.serverIp6);
}

function publicAddress(flow: Flow, client: boolean): boolean {
  if (flow.ipVersion === 6) {
    const ip = client ? flow.clientIp6 : flow.serverIp6;
    return !ipv6NeverDevice(ip) && !ipv6IsLocalRange(ip);
  }
  const n = client ? flow.clientIp4 : flow.serverIp4;
  return !ipv4IsLocalRange(n) && !ipv4NeverDevice(n) && (n >>> 24) !== 0;
}

/**
 * HTTP methods as numbers for the per-flow and known-operation sets (RFC 9110 §9, PATCH RFC 5789);
 * -1 for any other method, which then skips those sets and is judged by its baseline entry alone.
 */
const HTTP_METHODS = new Map(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'].map((m, i) => [m, i + 1]));
const httpMethodCode = (m: string): number => HTTP_METHODS.get(m) ?? -1;

/** An operation as one number: protocol index (COMBINATION_TITLE's order) above a 32-bit code. */
const OP_PROTOS = new Map(Object.keys(COMBINATION_TITLE).map((p, i) => [p, i]));
function opNumber(proto: string, code: number): number {
  const i = OP_PROTOS.get(proto);
  return i === undefined || code < 0 || code > 0xffffffff ? -1 : i * 2 ** 32 + code;
}

/** (a, b, c) number triples, bounded in count: a -> b -> set of c. */
class TripleSet {
  private readonly by = new Map<number, Map<number, Set<number>>>();
  private n = 0;
  constructor(private readonly max: number) {}
  has(a: number, b: number, c: number): boolean {
    return this.by.get(a)?.get(b)?.has(c) ?? false;
  }
  add(a: number, b: number, c: number): void {
    if (this.n >= this.max) { this.by.clear(); this.n = 0; }
    let m = this.by.get(a);
    if (m === undefined) this.by.set(a, (m = new Map()));
    let set = m.get(b);
    if (set === undefined) m.set(b, (set = new Set()));
    if (!set.has(c)) { set.add(c); this.n++; }
  }
}

export function policyRule(): Rule {
  const senders = new Set<number>();
  const macs = new Set<string>();
  // device pairs seen: IPv4 as lower address -> higher addresses (two 32-bit numbers do not fit one
  // exact double), IPv6 as text; only a pair's first flow gets past these lookups
  const pairs4 = new Map<number, Set<number>>();
  const pairs6 = new Set<string>();
  const knownOps = new TripleSet(MAX_SEEN);
  let pairCount = 0;
  const newPair = (flow: Flow): boolean => {
    if (flow.ipVersion === 6) {
      const c = flow.clientIp6, s = flow.serverIp6;
      const key = c < s ? `${c}|${s}` : `${s}|${c}`;
      if (pairs6.has(key) || pairCount >= MAX_SEEN) return false;
      pairs6.add(key);
      pairCount++;
      return true;
    }
    const a = Math.min(flow.clientIp4, flow.serverIp4), b = Math.max(flow.clientIp4, flow.serverIp4);
    let set = pairs4.get(a);
    if (set === undefined) pairs4.set(a, (set = new Set()));
    if (set.has(b) || pairCount >= MAX_SEEN) return false;
    set.add(b);
    pairCount++;
    return true;
  };
  const newDevice = (entry: string, who: string, ts: number, ctx: DetectionContext, title = 'New Asset Detected', protocol: string | null = null) => {
    ctx.event(ts, 'DEVICE_CREATE', `New device detected: ${who}`);
    if (ctx.known(entry)) return;
    if (ctx.learning(ts)) return ctx.learn(entry);
    ctx.raise(title, ts, who.includes(':') && !who.includes('.') ? { ip: null, mac: who } : { ip: who, mac: null }, null,
      `A new device ${who} was detected on the network. It is not in the learned baseline, so it is not authorized.`, { protocol, learn: [entry] });
  };
  return {
    name: 'policy',
    packet(pkt: Packet, flow: Flow | null, dir: Direction, ctx: DetectionContext) {
      if (pkt.ipVersion !== 4 || laterInFlow(flow, dir)) return;
      const ip = pkt.src4;
      if (senders.has(ip) || ipv4NeverDevice(ip) || senders.size >= MAX_SEEN) return;
      senders.add(ip);
      // a plant-range sender is a new device; any other sender is learned while learning (a plant on
      // public addresses, like the ITI testbed's 141.81/16, is then authorized) but alerts only by Internet access
      if (ipv4IsLocalRange(ip)) newDevice(`device:${ipv4Text(ip)}`, ipv4Text(ip), pkt.ts, ctx);
      else if (ctx.learning(pkt.ts)) ctx.learn(`device:${ipv4Text(ip)}`);
    },
    flowStart(flow: Flow, ctx: DetectionContext) {
      if (newPair(flow)) {
        ctx.event(flow.firstTs, 'DEVICE_CONNECTION_CREATED', `Connected devices ${flow.clientIp} and ${flow.serverIp}`);
      }
      // Internet access (spec §4.1 #14): a plant device and a public address in one conversation
      const insideIsClient = local(flow, true);
      if (!insideIsClient && !local(flow, false)) return;
      const outsideIsServer = publicAddress(flow, false);
      if (!outsideIsServer && !publicAddress(flow, true)) return;
      const c = flow.clientIp, s = flow.serverIp;
      const inside = insideIsClient ? c : s;
      const outside = outsideIsServer ? s : c;
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
      const title = p.proto === 'srtp' ? SRTP_TITLE[p.category as string] ?? COMBINATION_TITLE.srtp : COMBINATION_TITLE[p.proto];
      // HTTP requests carry a method, not a code (the status code is the response's): the
      // combination is the method (the catalog's "HTTP method or resource"), numbered for the sets
      const http = p.proto === 'http' && typeof p.method === 'string' ? p.method : null;
      const fn = http !== null ? httpMethodCode(http) : p.functionCode;
      if (!title || p.role !== 'request' || typeof fn !== 'number') return;
      // FINS/TCP's own header messages (node address exchange) set up the transport: not FINS commands
      if (p.proto === 'fins' && p.op === 'session') return;
      // What is combined: the function code; for CIP the service together with the object class it
      // addresses (the catalog's "CIP service on an object class"), so a service learned on one
      // class does not cover another.
      const classId = p.proto === 'cip' && typeof p.classId === 'number' && p.classId >= 0 && p.classId <= 0xffff ? p.classId : -1;
      const code = classId >= 0 ? fn + (classId + 1) * 256 : fn; // services are 7-bit (CIP Vol. 1 §2-4)
      // per flow: an operation this flow used already was decided then (most PDUs of a replay end
      // here, with one set lookup); keyed with the protocol, since EtherNet/IP commands and the CIP
      // services they carry share a connection and their numbers overlap
      const key = opNumber(p.proto, code);
      if (flow && key >= 0) {
        let seen = flow.notes[CODES] as Set<number> | undefined;
        if (!seen) flow.notes[CODES] = seen = new Set();
        if (seen.has(key)) return;
        seen.add(key);
      }
      // an IPv4 operation found in the baseline before is in it for good (entries are only added):
      // answered from numbers, without building the entry's text (a new flow between known peers)
      const community = p.proto === 'snmp' && typeof p.community === 'string' ? p.community : null;
      const op = flow !== null && flow.ipVersion === 4 && community === null ? key : -1;
      const srcN = op < 0 ? 0 : dir === 0 ? flow!.clientIp4 : flow!.serverIp4;
      const dstN = op < 0 ? 0 : dir === 0 ? flow!.serverIp4 : flow!.clientIp4;
      if (op >= 0 && knownOps.has(srcN, dstN, op)) return;
      const [src, dst] = endpointsOf(p, flow, dir);
      const entry = `op:${p.proto}:${addr(src)}>${addr(dst)}:${http ?? fn}${community !== null ? `:${community}` : ''}${classId >= 0 ? `:class=${classId}` : ''}`;
      if (ctx.known(entry)) {
        if (op >= 0) knownOps.add(srcN, dstN, op);
        return;
      }
      if (ctx.learning(ts)) {
        if (op >= 0) knownOps.add(srcN, dstN, op);
        return ctx.learn(entry);
      }
      const proto = protocolName(p.proto);
      const what = community !== null ? `${p.functionName} with the community "${community}"${community === 'public' || community === 'private' ? ' (a default community)' : ''}`
        : http !== null ? `the method ${http}` : `${p.functionName} (${fn})${classId >= 0 ? ` on object class 0x${classId.toString(16)}` : ''}`;
      ctx.raise(title, ts, src, dst, `New traffic combination: ${addr(src)} used ${proto} ${what} towards ${addr(dst)}, which is not in the learned baseline.`,
        { protocol: proto, learn: [entry] });
    },
  };
}
