// The inventory's analyzer: it watches packets, flows and PDUs and keeps what they say per address
// (subjects.ts) and per address pair (connections). It decides nothing about devices; devices.ts does
// that from this state, whenever the inventory is materialized.
import type { Packet } from '../../decode/packet.js';
import { macToString } from '../../decode/packet.js';
import type { AppPdu, Identity } from '../../decode/pdu.js';
import type { Direction, Pdu } from '../../decode/types.js';
import { type Flow, noteSlot } from '../../flows/flow.js';
import type { Analyzer } from '../analyzer.js';
import { ipv4Text, macIsGroup } from './addresses.js';
import { wireName } from './protocol-names.js';
import { identityFacts, IpSubject, MacSubject, MAX_SET, type PairObservation, type ProtocolUse } from './subjects.js';

/** FlowState */
const STATE = noteSlot();

export type { PairObservation } from './subjects.js';


/**
 * What the observer keeps on each flow (in its flow note slot), so the per-packet and per-PDU work
 * is field reads: the two subjects and the pair are looked up once per flow, not once per PDU.
 */
interface FlowState {
  client: IpSubject;
  server: IpSubject;
  pair: PairObservation;
  /** 1: the client's first packet was seen, 2: the server's */
  seen: number;
  /** it decoded at least one PDU (its protocol then counts for both sides) */
  pdus: boolean;
  /** the last PDU's protocol and its uses and command set, reused while the protocol stays the same */
  proto: string;
  cu: ProtocolUse | null;
  su: ProtocolUse | null;
  commands: Set<string> | null;
  /** the last protocol address (unit id) recorded for the server */
  unit: number;
}

const MAX_COMMANDS = 64;
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export class InventoryObserver implements Analyzer {
  readonly name = 'inventory';
  readonly ips = new Map<string, IpSubject>();
  readonly macs = new Map<string, MacSubject>();
  readonly pairs = new Map<string, PairObservation>();
  /** pairs changed since the last write (each one `dirty`): a flush looks at these, not at all pairs */
  readonly changedPairs = new Set<PairObservation>();
  /** IPv4 subjects by address number (the same objects as in `ips`) */
  private readonly ip4 = new Map<number, IpSubject>();
  /** IPs seen as a destination of group (broadcast/multicast) MAC frames: subnet broadcasts */
  readonly groupDestinations = new Set<string>();
  /** latest capture time seen, µs (the sensor clock in replay) */
  clock = 0;

  packet(pkt: Packet, flow: Flow | null, dir: Direction): void {
    const ts = pkt.ts;
    if (ts > this.clock) this.clock = ts;
    if (flow) {
      const st = this.state(flow);
      const src = dir === 0 ? st.client : st.server;
      // activity, kept current so a flush mid-flow serves fresh lastSeen times
      if (ts > st.pair.lastSeen) {
        st.pair.lastSeen = ts;
        this.changed(st.pair);
      }
      if (ts > src.last) src.last = ts;
      // address facts once per flow and direction: the first packet says all a later one would
      const bit = dir === 0 ? 1 : 2;
      if (st.seen & bit) return;
      st.seen |= bit;
      src.sent = true;
      const b = pkt.frameBuf;
      if (pkt.srcMacOff >= 0 && (b[pkt.srcMacOff]! & 1) === 0) this.couple(src, b, pkt.srcMacOff, ts);
      if (pkt.dstMacOff >= 0 && (b[pkt.dstMacOff]! & 1) === 1) this.groupDestinations.add((dir === 0 ? st.server : st.client).ip);
      return;
    }
    if (pkt.arpOff >= 0) this.arp(pkt);
    // any other frame without a flow (LLDP, STP, PTP, PROFINET, ...): its sender is on this link
    else if (pkt.srcMacOff >= 0 && pkt.ipVersion === 0 && (pkt.frameBuf[pkt.srcMacOff]! & 1) === 0) this.mac(macToString(pkt.frameBuf, pkt.srcMacOff), ts);
  }

  private state(f: Flow): FlowState {
    let st = f.notes[STATE] as FlowState | undefined;
    if (st === undefined) {
      const client = this.flowIp(f, 0), server = this.flowIp(f, 1);
      const pair = this.pair(f, client, server);
      if (f.proto === 6 || f.proto === 17) {
        if (pair.ports.size < MAX_SET && !pair.ports.has(f.serverPort)) {
          pair.ports.add(f.serverPort);
          this.changed(pair);
        }
        if (client.peers.size < MAX_SET) client.peers.add(server.ip);
        if (client.ports.size < MAX_SET) client.ports.add(f.serverPort);
      }
      st = { client, server, pair, seen: 0, pdus: false, proto: '', cu: null, su: null, commands: null, unit: -1 };
      f.notes[STATE] = st;
    }
    return st;
  }

  flowEnd(f: Flow): void {
    // ICMP has no dissector: the flow itself says the protocol
    if (f.proto !== 1 && f.proto !== 58) return;
    const st = this.state(f);
    if (!st.pair.protocols.has('icmp')) {
      st.pair.protocols.set('icmp', new Set());
      this.changed(st.pair);
    }
    st.client.use('icmp').client = true;
    st.server.use('icmp').server = true;
  }

  pdu(p: Pdu, flow: Flow | null, dir: Direction, ts: number): void {
    const a = p as AppPdu;
    if (!flow) return this.linkPdu(a, ts);
    const st = this.state(flow);
    st.pdus = true;
    const sender = dir === 0 ? st.client : st.server;
    const receiver = dir === 0 ? st.server : st.client;
    const proto = a.proto;
    // Client and server are the flow's (decided once, by the transport), not the PDU's role: in an S7
    // block download the PLC sends the requests, yet the programming station is still the client.
    // DHCP is the exception: both ports are well known and its broadcasts make either side the first
    // sender, so its roles come from the messages (OFFER/ACK come from the server).
    let cu: ProtocolUse, su: ProtocolUse;
    if (proto === 'dhcp') {
      const fromServer = a.role === 'response';
      cu = (fromServer ? receiver : sender).use(proto);
      su = (fromServer ? sender : receiver).use(proto);
      this.pairProtocol(st, proto);
    } else {
      if (st.proto !== proto || st.cu === null || st.su === null) {
        // a protocol counts once it decoded something (garbage on port 502 is not Modbus), under the
        // PDUs' own id (MMS on the TPKT framer it shares with S7 is "mms")
        st.proto = proto;
        st.cu = st.client.use(proto);
        st.su = st.server.use(proto);
        st.commands = null;
        this.pairProtocol(st, proto);
      }
      cu = st.cu;
      su = st.su;
    }
    cu.client = true;
    su.server = true;
    if (dir === 0 && a.role === 'request') {
      if (a.op) cu.clientOps.add(a.op);
      if (typeof a.functionCode === 'number' && cu.functionCodes.size < MAX_SET) cu.functionCodes.add(a.functionCode);
    }
    if (dir === 1) {
      // the protocol address the server answers as: Modbus unit id, DNP3 outstation link address,
      // IEC-104 common address of the ASDU
      const unit = a.unit ?? a.linkSource ?? a.commonAddress;
      if (typeof unit === 'number' && unit !== st.unit && su.addresses.size < MAX_SET) {
        st.unit = unit;
        su.addresses.add(String(unit));
      }
      if (a.exception && a.role === 'response') cu.exceptions++;
    }
    // commands are the operations, not connection set-up (COTP connect, S7 setup communication)
    if (a.functionName && a.role !== 'response' && a.op !== 'session') this.command(st, proto, a.functionName);
    if (a.identity) this.identity(a.identity, proto, ts, sender);
    if (proto === 'dhcp') this.dhcp(a, ts);
    else if (proto === 'http' && typeof a.userAgent === 'string') sender.fact('userAgent', a.userAgent, proto, ts);
    // S7: the TSAP a client connects to names the CPU's rack and slot
    else if (a.kind === 'cotp_connect_request' && typeof a.rack === 'number' && typeof a.slot === 'number') {
      receiver.fact('rack', String(a.rack), proto, ts);
      receiver.fact('slot', String(a.slot), proto, ts);
    }
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

  /** An IP sent from the MAC at buf[off]: the coupling a device is made of (devices.ts). */
  private couple(s: IpSubject, buf: Buffer, off: number, ts: number): void {
    // the common case, the same MAC again, without making its text
    const num = buf.readUIntBE(off, 6);
    if (s.lastMac === num) return;
    s.lastMac = num;
    const mac = macToString(buf, off);
    if (!s.macs.includes(mac) && s.macs.length < 8) s.macs.push(mac);
    const m = this.mac(mac, ts);
    if (!m.ips.includes(s.ip) && m.ips.length < MAX_SET) m.ips.push(s.ip);
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
    if (spa !== 0) this.bind(mac, ipv4Text(spa), pkt.ts);
    if (pkt.arpOp === 1 && tpa !== spa && m.arpTargets.size < MAX_SET) m.arpTargets.add(ipv4Text(tpa));
  }

  /** A link-layer PDU (LLDP, CDP, PROFINET DCP, GOOSE): facts about the sending MAC. */
  private linkPdu(a: AppPdu, ts: number): void {
    const src = a.srcMac as string | undefined;
    if (!src || macIsGroup(src)) return;
    const m = this.mac(src, ts);
    // cyclic PROFINET RT data is its own protocol on the sensor ("Profinet Real-Time"), not DCP
    const use = m.use(a.kind === 'rt_frame' ? 'pnrt' : a.proto);
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
    // a BACnet device is addressed by its device object instance (I-Am, clause 16.10)
    const instance = (id as Identity & { deviceInstance?: number }).deviceInstance;
    if (typeof instance === 'number') {
      const u = subject.use(proto);
      u.server = true;
      if (u.addresses.size < MAX_SET) u.addresses.add(String(instance));
    }
  }

  /** DHCP (RFC 2131): an ACK gives the client MAC its address; that address is dynamic. */
  private dhcp(a: AppPdu, ts: number): void {
    const mac = a.clientMac as string | undefined;
    if (!mac || macIsGroup(mac)) return;
    const m = this.mac(mac, ts);
    m.use('dhcp').client = true;
    // a server's answer (ACK, or a BOOTP reply) gives the client its address, and maybe its name
    // (option 12 set by the server: the only name some PLCs ever get)
    const reply = a.kind === 'ACK' || (a.kind === 'BOOTP' && a.bootpOp === 2);
    if (reply && typeof a.yiaddr === 'string' && a.yiaddr !== '0.0.0.0') {
      this.bind(mac, a.yiaddr, ts);
      this.ip(a.yiaddr, ts).dynamic = true;
    }
    if ((reply || a.kind === 'OFFER') && typeof a.hostname === 'string') m.fact('name', a.hostname, 'dhcp', ts);
  }

  private bind(mac: string, ip: string, ts: number): void {
    const m = this.mac(mac, ts);
    const s = this.ip(ip, ts);
    if (m.arpIps.size < MAX_SET) m.arpIps.add(ip);
    s.arpMac ??= mac;
    if (!m.ips.includes(ip) && m.ips.length < MAX_SET) m.ips.push(ip);
  }

  /** The subject of a flow's client (0) or server (1) address; IPv4 by number, without making text. */
  private flowIp(f: Flow, side: 0 | 1): IpSubject {
    if (f.ipVersion !== 4) return this.ip(side === 0 ? f.clientIp : f.serverIp, f.firstTs);
    const n = side === 0 ? f.clientIp4 : f.serverIp4;
    let s = this.ip4.get(n);
    if (s === undefined) this.ip4.set(n, (s = this.ip(ipv4Text(n), f.firstTs)));
    else s.seen(f.firstTs);
    return s;
  }

  private pair(f: Flow, client: IpSubject, server: IpSubject): PairObservation {
    // looked up by subject (object identity), not by an address-pair string: once per flow
    let p = client.pairs.get(server) ?? server.pairs.get(client);
    if (!p) {
      p = { client: client.ip, server: server.ip, discovered: f.firstTs, lastSeen: f.lastTs, ports: new Set(), protocols: new Map(), dirty: false };
      this.changed(p);
      client.pairs.set(server, p);
      this.pairs.set(client.ip < server.ip ? `${client.ip} ${server.ip}` : `${server.ip} ${client.ip}`, p);
    }
    return p;
  }

  /** Marks a pair changed (a field write per packet; the set is touched only on the first change). */
  changed(p: PairObservation): void {
    if (p.dirty) return;
    p.dirty = true;
    this.changedPairs.add(p);
  }

  private pairProtocol(st: FlowState, proto: string): void {
    const w = wireName(proto);
    if (!st.pair.protocols.has(w)) {
      st.pair.protocols.set(w, new Set());
      this.changed(st.pair);
    }
  }

  private command(st: FlowState, proto: string, name: string): void {
    let cmds = st.proto === proto ? st.commands : null;
    if (cmds === null) {
      const w = wireName(proto);
      cmds = st.pair.protocols.get(w) ?? null;
      if (cmds === null) st.pair.protocols.set(w, (cmds = new Set()));
      if (st.proto === proto) st.commands = cmds;
    }
    if (cmds.size < MAX_COMMANDS && !cmds.has(name)) {
      cmds.add(name);
      this.changed(st.pair);
    }
  }
}
