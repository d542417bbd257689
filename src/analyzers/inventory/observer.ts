// The inventory's analyzer: it watches packets, flows and PDUs and keeps what they say per address
// (subjects.ts) and per address pair (connections). It decides nothing about devices; devices.ts does
// that from this state, whenever the inventory is materialized.
import type { Packet } from '../../decode/packet.js';
import { macToString } from '../../decode/packet.js';
import type { AppPdu, Identity } from '../../decode/pdu.js';
import type { Direction, Pdu } from '../../decode/types.js';
import type { Flow } from '../../flows/flow.js';
import type { Analyzer } from '../analyzer.js';
import { ipv4Text, macIsGroup } from './addresses.js';
import { wireName } from './protocol-names.js';
import { identityFacts, IpSubject, MacSubject, MAX_SET } from './subjects.js';

/** One address pair's traffic, client first as first seen. */
export interface PairObservation {
  client: string;
  server: string;
  discovered: number;
  lastSeen: number;
  ports: Set<number>;
  /** protocol (wire name) -> command names seen */
  protocols: Map<string, Set<string>>;
}

const MAX_COMMANDS = 64;
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export class InventoryObserver implements Analyzer {
  readonly name = 'inventory';
  readonly ips = new Map<string, IpSubject>();
  readonly macs = new Map<string, MacSubject>();
  readonly pairs = new Map<string, PairObservation>();
  /** IPs seen as a destination of group (broadcast/multicast) MAC frames: subnet broadcasts */
  readonly groupDestinations = new Set<string>();
  private readonly active = new Set<Flow>();
  /** latest capture time seen, µs (the sensor clock in replay) */
  clock = 0;

  packet(pkt: Packet, flow: Flow | null, dir: Direction): void {
    if (pkt.ts > this.clock) this.clock = pkt.ts;
    if (flow) {
      // address facts once per flow and direction: the first packet says all a later one would
      const bit = dir === 0 ? 1 : 2;
      const seen = (flow.notes.inventory as number | undefined) ?? 0;
      if (seen & bit) return;
      flow.notes.inventory = seen | bit;
      const src = dir === 0 ? flow.clientIp : flow.serverIp;
      const dst = dir === 0 ? flow.serverIp : flow.clientIp;
      const srcMac = pkt.srcMacOff >= 0 ? macToString(pkt.frameBuf, pkt.srcMacOff) : null;
      this.observeSender(src, srcMac, pkt.ts);
      if (pkt.dstMacOff >= 0 && (pkt.frameBuf[pkt.dstMacOff]! & 1) === 1) this.groupDestinations.add(dst);
      return;
    }
    if (pkt.arpOff >= 0) this.arp(pkt);
    else if (pkt.srcMacOff >= 0 && pkt.appIndex >= 0) this.mac(macToString(pkt.frameBuf, pkt.srcMacOff), pkt.ts);
  }

  flowStart(f: Flow): void {
    this.active.add(f);
  }

  flowEnd(f: Flow): void {
    this.active.delete(f);
    this.closeFlow(f);
  }

  pdu(p: Pdu, flow: Flow | null, dir: Direction, ts: number): void {
    const a = p as AppPdu;
    if (!flow) return this.linkPdu(a, ts);
    const sender = this.ip(dir === 0 ? flow.clientIp : flow.serverIp, ts);
    const receiver = this.ip(dir === 0 ? flow.serverIp : flow.clientIp, ts);
    const proto = a.proto;
    flow.notes.inventoryPdus = true;
    // Client and server are the flow's (decided once, by the transport), not the PDU's role: in an S7
    // block download the PLC sends the requests, yet the programming station is still the client.
    // DHCP is the exception: both ports are well known and its broadcasts make either side the first
    // sender, so its roles come from the messages (OFFER/ACK come from the server).
    const dhcpServer = proto === 'dhcp' && a.role === 'response';
    const byRole = proto === 'dhcp';
    const client = byRole ? (dhcpServer ? receiver : sender) : dir === 0 ? sender : receiver;
    const server = byRole ? (dhcpServer ? sender : receiver) : dir === 0 ? receiver : sender;
    const cu = client.use(proto), su = server.use(proto);
    cu.client = true;
    su.server = true;
    if (dir === 0 && a.role === 'request') {
      if (a.op) cu.clientOps.add(a.op);
      if (typeof a.functionCode === 'number' && cu.functionCodes.size < MAX_SET) cu.functionCodes.add(a.functionCode);
    }
    if (dir === 1 && a.role === 'response') {
      if (typeof a.unit === 'number' && su.addresses.size < MAX_SET) su.addresses.add(String(a.unit));
      if (a.exception) cu.exceptions++;
    }
    // commands are the operations, not connection set-up (COTP connect, S7 setup communication)
    if (a.functionName && a.role !== 'response' && a.op !== 'session') this.command(flow, proto, a.functionName);
    if (a.identity) this.identity(a.identity, proto, ts, sender);
    if (proto === 'dhcp') this.dhcp(a, ts);
    else if (proto === 'http' && typeof a.userAgent === 'string') sender.fact('userAgent', a.userAgent, proto, ts);
    // S7: the TSAP a client connects to names the CPU's rack and slot
    else if (a.kind === 'cotp_connect_request' && typeof a.rack === 'number' && typeof a.slot === 'number') {
      receiver.fact('rack', String(a.rack), proto, ts);
      receiver.fact('slot', String(a.slot), proto, ts);
    }
  }

  finish(): void {
    for (const f of this.active) this.closeFlow(f);
  }

  /** Brings pairs and last-seen times up to date with flows still open (before materializing). */
  syncActive(): void {
    for (const f of this.active) this.closeFlow(f);
  }

  ip(ip: string, ts: number): IpSubject {
    let s = this.ips.get(ip);
    if (!s) {
      s = new IpSubject(ip, ts);
      this.ips.set(ip, s);
    }
    s.seen(ts);
    return s;
  }

  mac(mac: string, ts: number): MacSubject {
    let s = this.macs.get(mac);
    if (!s) {
      s = new MacSubject(mac, ts);
      this.macs.set(mac, s);
    }
    s.seen(ts);
    return s;
  }

  private observeSender(ip: string, mac: string | null, ts: number): void {
    const s = this.ip(ip, ts);
    s.sent = true;
    if (mac === null || macIsGroup(mac)) return;
    if (!s.macs.includes(mac) && s.macs.length < 8) s.macs.push(mac);
    const m = this.mac(mac, ts);
    if (!m.ips.includes(ip) && m.ips.length < MAX_SET) m.ips.push(ip);
  }

  /** ARP (RFC 826): the sender binds its IP to its MAC; a request names the address looked for. */
  private arp(pkt: Packet): void {
    const b = pkt.frameBuf, o = pkt.arpOff;
    if (pkt.len - (o - pkt.off) < 28 || b[o + 4] !== 6 || b[o + 5] !== 4) return;
    const mac = macToString(b, o + 8);
    const spa = b.readUInt32BE(o + 14), tpa = b.readUInt32BE(o + 24);
    if (macIsGroup(mac)) return;
    const m = this.mac(mac, pkt.ts);
    m.use('arp').client = true;
    if (spa !== 0) {
      const ip = ipv4Text(spa);
      if (m.arpIps.size < MAX_SET) m.arpIps.add(ip);
      const s = this.ip(ip, pkt.ts);
      s.arpMac ??= mac;
      if (!m.ips.includes(ip) && m.ips.length < MAX_SET) m.ips.push(ip);
      if (!s.macs.includes(mac) && s.macs.length < 8) s.macs.push(mac);
    }
    if (pkt.arpOp === 1 && tpa !== spa && m.arpTargets.size < MAX_SET) m.arpTargets.add(ipv4Text(tpa));
  }

  /** A link-layer PDU (LLDP, CDP, PROFINET DCP, GOOSE): facts about the sending MAC. */
  private linkPdu(a: AppPdu, ts: number): void {
    const src = a.srcMac as string | undefined;
    if (!src || macIsGroup(src)) return;
    const m = this.mac(src, ts);
    const use = m.use(a.proto);
    if (a.role === 'request') use.client = true; else use.server = true;
    if (a.identity) this.identity(a.identity, a.proto, ts, m);
    // PROFINET DCP answers carry the station's IP parameters: as good as ARP for the binding
    if (a.proto === 'pndcp' && a.role === 'response' && Array.isArray(a.blocks)) {
      for (const blk of a.blocks as Array<{ name?: string; value?: { ip?: string } }>) {
        const ip = blk.name === 'IP parameter' ? blk.value?.ip : undefined;
        if (ip && ip !== '0.0.0.0') this.bind(src, ip, ts);
      }
    }
  }

  private identity(id: Identity, proto: string, ts: number, sender: IpSubject | MacSubject): void {
    let subject: IpSubject | MacSubject = sender;
    if (id.about) subject = MAC_RE.test(id.about) ? this.mac(id.about, ts) : this.ip(id.about, ts);
    identityFacts(subject, id, proto, ts);
  }

  /** DHCP (RFC 2131): an ACK gives the client MAC its address; that address is dynamic. */
  private dhcp(a: AppPdu, ts: number): void {
    const mac = a.clientMac as string | undefined;
    if (!mac || macIsGroup(mac)) return;
    this.mac(mac, ts).use('dhcp').client = true;
    if (a.kind === 'ACK' && typeof a.yiaddr === 'string' && a.yiaddr !== '0.0.0.0') {
      this.bind(mac, a.yiaddr, ts);
      this.ip(a.yiaddr, ts).dynamic = true;
    }
  }

  private bind(mac: string, ip: string, ts: number): void {
    const m = this.mac(mac, ts);
    const s = this.ip(ip, ts);
    if (m.arpIps.size < MAX_SET) m.arpIps.add(ip);
    s.arpMac ??= mac;
    if (!m.ips.includes(ip) && m.ips.length < MAX_SET) m.ips.push(ip);
    if (!s.macs.includes(mac) && s.macs.length < 8) s.macs.push(mac);
  }

  private pair(f: Flow): PairObservation {
    const client = f.clientIp, server = f.serverIp;
    const key = client < server ? `${client} ${server}` : `${server} ${client}`;
    let p = this.pairs.get(key);
    if (!p) {
      p = { client, server, discovered: f.firstTs, lastSeen: f.lastTs, ports: new Set(), protocols: new Map() };
      this.pairs.set(key, p);
    }
    return p;
  }

  private command(f: Flow, proto: string, name: string): void {
    const p = this.pair(f);
    const name_ = wireName(proto);
    let cmds = p.protocols.get(name_);
    if (!cmds) p.protocols.set(name_, (cmds = new Set()));
    if (cmds.size < MAX_COMMANDS) cmds.add(name);
  }

  private closeFlow(f: Flow): void {
    const p = this.pair(f);
    if (f.lastTs > p.lastSeen) p.lastSeen = f.lastTs;
    if (f.firstTs < p.discovered) p.discovered = f.firstTs;
    const client = this.ip(f.clientIp, f.firstTs), server = this.ip(f.serverIp, f.firstTs);
    client.seen(f.lastTs);
    server.seen(f.lastTs);
    if (f.proto === 6 || f.proto === 17) {
      if (p.ports.size < MAX_SET) p.ports.add(f.serverPort);
      if (client.peers.size < MAX_SET) client.peers.add(f.serverIp);
      if (client.ports.size < MAX_SET) client.ports.add(f.serverPort);
    }
    // the flow's protocol counts once it decoded something: garbage on port 502 is not Modbus
    const app = f.notes.inventoryPdus ? f.app?.dissector.id ?? null : f.proto === 1 || f.proto === 58 ? 'icmp' : null;
    if (app) {
      const w = wireName(app);
      if (!p.protocols.has(w)) p.protocols.set(w, new Set());
      // DHCP's roles come from its messages (see pdu()), not from who sent first
      if (app !== 'dhcp') {
        client.use(app).client = true;
        server.use(app).server = true;
      }
    }
  }
}
