// Message builders and capture generator for the UDP discovery protocols: DHCP (RFC 2131/2132), DNS
// (RFC 1035) with name compression, mDNS (RFC 6762), LLMNR (RFC 4795), NetBIOS name service
// (RFC 1002) and SNMP v1/v2c (RFC 1157/3416, BER per X.690). The builders are also used by the frame
// tests and sample files, so every byte in them comes from the spec layouts written out here.
//
//   npx tsx test/pcapgen/discovery.ts   -> pcaps/{dhcp,dns,snmp,nbns}/*.pcap (deterministic)
//
// Addresses are private (RFC 1918) or documentation ones; MACs are locally administered (02:...).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Host, ipv4Addr, ipv6Addr, Rng, udpFrame } from '../support/frames.js';
import { type Packet, writePcap } from '../support/pcap-writer.js';

// ---------------------------------------------------------------- DHCP

export type DhcpOption = [code: number, value: Buffer | string | number[]];

export function dhcpMessage(o: {
  op: 1 | 2; xid: number; mac: string; ciaddr?: string; yiaddr?: string; siaddr?: string; giaddr?: string;
  flags?: number; options: DhcpOption[]; cookie?: number;
}): Buffer {
  const b = Buffer.alloc(240);
  b[0] = o.op; b[1] = 1; b[2] = 6; b[3] = 0; // Ethernet, 6-byte address, no relay hops
  b.writeUInt32BE(o.xid, 4);
  b.writeUInt16BE(o.flags ?? 0, 10);
  ipv4Addr(o.ciaddr ?? '0.0.0.0').copy(b, 12);
  ipv4Addr(o.yiaddr ?? '0.0.0.0').copy(b, 16);
  ipv4Addr(o.siaddr ?? '0.0.0.0').copy(b, 20);
  ipv4Addr(o.giaddr ?? '0.0.0.0').copy(b, 24);
  Buffer.from(o.mac.split(':').map((x) => parseInt(x, 16))).copy(b, 28);
  b.writeUInt32BE(o.cookie ?? 0x63825363, 236);
  const opts: Buffer[] = [b];
  for (const [code, v] of o.options) {
    const data = typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.isBuffer(v) ? v : Buffer.from(v);
    opts.push(Buffer.from([code, data.length]), data);
  }
  opts.push(Buffer.from([255]));
  return Buffer.concat(opts);
}

export const ip = (s: string) => ipv4Addr(s);

// ---------------------------------------------------------------- DNS family

export interface DnsQ { name: string; type: number; cls?: number }
/** `name(n, rel)` encodes a name inside the record data, `rel` bytes after its start, compressed. */
export type RdataBuilder = (name: (n: string, rel: number) => Buffer) => Buffer;
export interface DnsRR { name: string; type: number; cls?: number; ttl?: number; rdata: RdataBuilder }

/** Encodes names with RFC 1035 §4.1.4 compression against the message built so far. */
export class NameEncoder {
  private readonly seen = new Map<string, number>();
  constructor(private readonly compress: boolean) {}
  /** `at`: the offset in the message where these bytes will start. */
  encode(name: string, at: number): Buffer {
    const labels = name === '' ? [] : name.split('.');
    const parts: Buffer[] = [];
    let off = at;
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const prior = this.seen.get(suffix);
      if (this.compress && prior !== undefined) {
        parts.push(Buffer.from([0xc0 | (prior >> 8), prior & 0xff]));
        return Buffer.concat(parts);
      }
      if (off < 0x3fff) this.seen.set(suffix, off);
      const l = Buffer.from(labels[i]!, 'utf8');
      parts.push(Buffer.from([l.length]), l);
      off += 1 + l.length;
    }
    parts.push(Buffer.from([0]));
    return Buffer.concat(parts);
  }
}

export function dnsMessage(o: {
  id: number; flags: number; questions?: DnsQ[]; answers?: DnsRR[]; authority?: DnsRR[]; additional?: DnsRR[]; compress?: boolean;
}): Buffer {
  const enc = new NameEncoder(o.compress ?? true);
  const qs = o.questions ?? [], an = o.answers ?? [], ns = o.authority ?? [], ar = o.additional ?? [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(o.id, 0); h.writeUInt16BE(o.flags, 2);
  h.writeUInt16BE(qs.length, 4); h.writeUInt16BE(an.length, 6); h.writeUInt16BE(ns.length, 8); h.writeUInt16BE(ar.length, 10);
  const parts: Buffer[] = [h];
  let len = 12;
  const push = (b: Buffer) => { parts.push(b); len += b.length; };
  for (const q of qs) {
    push(enc.encode(q.name, len));
    const t = Buffer.alloc(4); t.writeUInt16BE(q.type, 0); t.writeUInt16BE(q.cls ?? 1, 2); push(t);
  }
  for (const r of [...an, ...ns, ...ar]) {
    push(enc.encode(r.name, len));
    const t = Buffer.alloc(10);
    t.writeUInt16BE(r.type, 0); t.writeUInt16BE(r.cls ?? 1, 2); t.writeUInt32BE(r.ttl ?? 120, 4);
    push(t);
    const at = len; // the record data starts here
    const rdata = r.rdata((n, rel) => enc.encode(n, at + rel));
    t.writeUInt16BE(rdata.length, 8); // RDLENGTH, now that the data is built
    push(rdata);
  }
  return Buffer.concat(parts);
}

type Enc = Parameters<RdataBuilder>[0];
export const rd = {
  a: (addr: string) => () => ipv4Addr(addr),
  aaaa: (addr: string) => () => ipv6Addr(addr),
  name: (target: string): RdataBuilder => (e: Enc) => e(target, 0),
  srv: (prio: number, weight: number, port: number, target: string): RdataBuilder => (e: Enc) => {
    const h = Buffer.alloc(6); h.writeUInt16BE(prio, 0); h.writeUInt16BE(weight, 2); h.writeUInt16BE(port, 4);
    return Buffer.concat([h, e(target, 6)]);
  },
  txt: (...strings: string[]) => () => Buffer.concat(strings.flatMap((s) => [Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])),
  raw: (b: Buffer) => () => b,
};

export const T = { A: 1, NS: 2, CNAME: 5, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, NB: 32, NBSTAT: 33, ANY: 255 } as const;

// ---------------------------------------------------------------- NBNS

/** RFC 1001 §14.1 first-level encoding: 15 chars space-padded + suffix, each nibble as 'A'+n. */
export function netbiosEncode(name: string, suffix: number): string {
  const raw = Buffer.alloc(16, 0x20);
  raw.write(name.toUpperCase().slice(0, 15), 'latin1');
  raw[15] = suffix;
  let s = '';
  for (const b of raw) s += String.fromCharCode(0x41 + (b >> 4), 0x41 + (b & 15));
  return s;
}

/** NB record data (RFC 1002 §4.2.2): NB_FLAGS then the address; flags 0x6000 = H-node, unique. */
export const nbRdata = (addr: string, flags = 0x6000) => () => {
  const b = Buffer.alloc(6); b.writeUInt16BE(flags, 0); ipv4Addr(addr).copy(b, 2); return b;
};

// ---------------------------------------------------------------- SNMP / BER

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const c = Buffer.concat(content);
  const n = c.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, c]);
}
export const berInt = (v: number, tag = 0x02): Buffer => {
  const bytes: number[] = [];
  let x = v;
  for (let i = 0; i < 8; i++) { bytes.unshift(x & 0xff); x = Math.floor(x / 256); if ((x === 0 && !(bytes[0]! & 0x80)) || (x === -1 && bytes[0]! & 0x80)) break; }
  return tlv(tag, Buffer.from(bytes));
};
export const berStr = (s: string | Buffer) => tlv(0x04, typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
export const berNull = () => tlv(0x05);
export function berOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const digits = [a & 0x7f];
    for (let x = Math.floor(a / 128); x > 0; x = Math.floor(x / 128)) digits.unshift((x & 0x7f) | 0x80);
    out.push(...digits);
  }
  return tlv(0x06, Buffer.from(out));
}
export const varbind = (oid: string, value: Buffer = berNull()) => tlv(0x30, berOid(oid), value);

export function snmpMessage(o: { version: 0 | 1; community: string; pduTag: number; requestId: number; errorStatus?: number; errorIndex?: number; varbinds: Buffer[] }): Buffer {
  const pdu = tlv(o.pduTag, berInt(o.requestId), berInt(o.errorStatus ?? 0), berInt(o.errorIndex ?? 0), tlv(0x30, ...o.varbinds));
  return tlv(0x30, berInt(o.version), berStr(o.community), pdu);
}

export function snmpV1Trap(o: { community: string; enterprise: string; agent: string; generic: number; specific: number; uptime: number; varbinds: Buffer[] }): Buffer {
  const pdu = tlv(0xa4, berOid(o.enterprise), tlv(0x40, ipv4Addr(o.agent)), berInt(o.generic), berInt(o.specific), berInt(o.uptime, 0x43), tlv(0x30, ...o.varbinds));
  return tlv(0x30, berInt(0), berStr(o.community), pdu);
}

// ---------------------------------------------------------------- the scenarios

const BCAST: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' };
const PLC: Host = { mac: '02:00:5e:10:00:21', ip: '192.168.50.21' };
const HMI: Host = { mac: '02:00:5e:10:00:0a', ip: '192.168.50.10' };
const DHCPD: Host = { mac: '02:00:5e:10:00:01', ip: '192.168.50.1' };
const UNCONF: Host = { mac: PLC.mac, ip: '0.0.0.0' };
const MDNS4: Host = { mac: '01:00:5e:00:00:fb', ip: '224.0.0.251' };
const LLMNR4: Host = { mac: '01:00:5e:00:00:fc', ip: '224.0.0.252' };
const NB_BCAST: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '192.168.50.255' };

export const SCENARIO = { PLC, HMI, DHCPD };

/** A DORA for the PLC, hostname "plc-line1" and vendor class "ExampleCorp PLC 4.2". */
export function dhcpDora(): Buffer[] {
  const xid = 0x1a2b3c4d;
  const mac = PLC.mac;
  const client: DhcpOption[] = [[12, 'plc-line1'], [60, 'ExampleCorp PLC 4.2'], [61, [1, ...mac.split(':').map((x) => parseInt(x, 16))]], [55, [1, 3, 6, 12, 15, 51]]];
  const server = (type: number): DhcpOption[] => [[53, [type]], [54, ip(DHCPD.ip)], [51, [0, 0, 0x0e, 0x10]], [1, ip('255.255.255.0')], [3, ip('192.168.50.1')], [6, ip('192.168.50.1')]];
  return [
    udpFrame(UNCONF, BCAST, 68, 67, dhcpMessage({ op: 1, xid, mac, flags: 0x8000, options: [[53, [1]], ...client] })),
    udpFrame(DHCPD, BCAST, 67, 68, dhcpMessage({ op: 2, xid, mac, yiaddr: PLC.ip, siaddr: DHCPD.ip, flags: 0x8000, options: server(2) })),
    udpFrame(UNCONF, BCAST, 68, 67, dhcpMessage({ op: 1, xid, mac, flags: 0x8000, options: [[53, [3]], [50, ip(PLC.ip)], [54, ip(DHCPD.ip)], ...client, [81, Buffer.concat([Buffer.from([0x04, 0, 0]), Buffer.from('\x09plc-line1\x07example\x00', 'latin1')])]] })),
    udpFrame(DHCPD, BCAST, 67, 68, dhcpMessage({ op: 2, xid, mac, yiaddr: PLC.ip, siaddr: DHCPD.ip, flags: 0x8000, options: server(5) })),
  ];
}

export function dnsExchange(): Buffer[] {
  const q = (id: number, name: string, type: number) => dnsMessage({ id, flags: 0x0100, questions: [{ name, type }] });
  return [
    udpFrame(HMI, DHCPD, 50001, 53, q(0x1001, 'historian.plant.example', T.A)),
    // answer with a CNAME chain: every owner name compressed against the question
    udpFrame(DHCPD, HMI, 53, 50001, dnsMessage({
      id: 0x1001, flags: 0x8180, questions: [{ name: 'historian.plant.example', type: T.A }],
      answers: [
        { name: 'historian.plant.example', type: T.CNAME, rdata: rd.name('srv1.plant.example') },
        { name: 'srv1.plant.example', type: T.A, rdata: rd.a('192.168.50.40') },
      ],
    })),
    udpFrame(HMI, DHCPD, 50002, 53, q(0x1002, 'nosuch.plant.example', T.AAAA)),
    udpFrame(DHCPD, HMI, 53, 50002, dnsMessage({ id: 0x1002, flags: 0x8183, questions: [{ name: 'nosuch.plant.example', type: T.AAAA }] })),
    udpFrame(HMI, DHCPD, 50003, 53, q(0x1003, '21.50.168.192.in-addr.arpa', T.PTR)),
    udpFrame(DHCPD, HMI, 53, 50003, dnsMessage({
      id: 0x1003, flags: 0x8180, questions: [{ name: '21.50.168.192.in-addr.arpa', type: T.PTR }],
      answers: [{ name: '21.50.168.192.in-addr.arpa', type: T.PTR, rdata: rd.name('plc-line1.plant.example') }],
    })),
  ];
}

/** An mDNS announcement (unsolicited response, cache-flush records) and a PTR browse query. */
export function mdnsAnnouncement(): Buffer {
  return dnsMessage({
    id: 0, flags: 0x8400,
    answers: [
      { name: '_http._tcp.local', type: T.PTR, ttl: 4500, rdata: rd.name('PLC Line 1._http._tcp.local') },
      { name: 'PLC Line 1._http._tcp.local', type: T.SRV, cls: 0x8001, rdata: rd.srv(0, 0, 80, 'plc-line1.local') },
      { name: 'PLC Line 1._http._tcp.local', type: T.TXT, cls: 0x8001, ttl: 4500, rdata: rd.txt('path=/', 'model=X100') },
      { name: 'plc-line1.local', type: T.A, cls: 0x8001, rdata: rd.a(PLC.ip) },
      { name: 'plc-line1.local', type: T.AAAA, cls: 0x8001, rdata: rd.aaaa('fd00:50::21') },
    ],
  });
}

export function mdnsFrames(): Buffer[] {
  return [
    udpFrame(HMI, MDNS4, 5353, 5353, dnsMessage({ id: 0, flags: 0, questions: [{ name: '_http._tcp.local', type: T.PTR, cls: 0x8001 }] })),
    udpFrame(PLC, MDNS4, 5353, 5353, mdnsAnnouncement()),
  ];
}

export function llmnrFrames(): Buffer[] {
  return [
    udpFrame(HMI, LLMNR4, 55001, 5355, dnsMessage({ id: 0x2001, flags: 0, questions: [{ name: 'plc-line1', type: T.A }] })),
    udpFrame(PLC, HMI, 5355, 55001, dnsMessage({ id: 0x2001, flags: 0x8000, questions: [{ name: 'plc-line1', type: T.A }], answers: [{ name: 'plc-line1', type: T.A, ttl: 30, rdata: rd.a(PLC.ip) }] })),
  ];
}

export function nbnsRegistration(): Buffer {
  // RFC 1002 §4.2.2: opcode 5, RD, broadcast; the NB record rides in the additional section
  const name = netbiosEncode('PLC-LINE1', 0x00);
  return dnsMessage({ id: 0x3001, flags: 0x2910, questions: [{ name, type: T.NB }], additional: [{ name, type: T.NB, ttl: 300000, rdata: nbRdata(PLC.ip) }] });
}

export function nbnsFrames(): Buffer[] {
  const hmi = netbiosEncode('HMI-01', 0x20);
  return [
    udpFrame(PLC, NB_BCAST, 137, 137, nbnsRegistration()),
    udpFrame(HMI, NB_BCAST, 137, 137, dnsMessage({ id: 0x3002, flags: 0x0110, questions: [{ name: hmi, type: T.NB }] })),
    udpFrame(DHCPD, HMI, 137, 137, dnsMessage({ id: 0x3002, flags: 0x8500, answers: [{ name: hmi, type: T.NB, ttl: 300000, rdata: nbRdata(HMI.ip) }] })),
  ];
}

export const SYS = { descr: 'ExampleCorp X100 PLC, firmware 4.2.1', objectId: '1.3.6.1.4.1.32473.1.100', name: 'plc-line1' };

export function snmpWalk(): Buffer[] {
  const oids: Array<[string, Buffer]> = [
    ['1.3.6.1.2.1.1.1.0', berStr(SYS.descr)],
    ['1.3.6.1.2.1.1.2.0', berOid(SYS.objectId)],
    ['1.3.6.1.2.1.1.3.0', berInt(123456, 0x43)],
    ['1.3.6.1.2.1.1.5.0', berStr(SYS.name)],
    ['1.3.6.1.2.1.4.20.1.1.192.168.50.21', tlv(0x40, ip(PLC.ip))],
    ['1.3.6.1.2.1.2.2.1.10.1', berInt(3000000000, 0x41)],
  ];
  const frames: Buffer[] = [];
  let prev = '1.3.6.1.2.1';
  oids.forEach(([oid, v], i) => {
    const reqId = 0x4000 + i;
    frames.push(udpFrame(HMI, PLC, 40161, 161, snmpMessage({ version: 1, community: 'public', pduTag: 0xa1, requestId: reqId, varbinds: [varbind(prev)] })));
    frames.push(udpFrame(PLC, HMI, 161, 40161, snmpMessage({ version: 1, community: 'public', pduTag: 0xa2, requestId: reqId, varbinds: [varbind(oid, v)] })));
    prev = oid;
  });
  // a v1 get with the other default community, and the agent's coldStart trap to the manager
  frames.push(udpFrame(HMI, PLC, 40162, 161, snmpMessage({ version: 0, community: 'private', pduTag: 0xa0, requestId: 7, varbinds: [varbind('1.3.6.1.2.1.1.5.0')] })));
  frames.push(udpFrame(PLC, HMI, 161, 40162, snmpMessage({ version: 0, community: 'private', pduTag: 0xa2, requestId: 7, varbinds: [varbind('1.3.6.1.2.1.1.5.0', berStr(SYS.name))] })));
  frames.push(udpFrame(HMI, PLC, 40163, 161, snmpMessage({ version: 0, community: 'private', pduTag: 0xa3, requestId: 8, varbinds: [varbind('1.3.6.1.2.1.1.6.0', berStr('Line 1 cabinet'))] })));
  frames.push(udpFrame(PLC, HMI, 40164, 162, snmpV1Trap({ community: 'public', enterprise: SYS.objectId, agent: PLC.ip, generic: 0, specific: 0, uptime: 5, varbinds: [] })));
  return frames;
}

/** Seeded garbage datagrams to each port: the dissector must flag them and make no PDU. */
export function garbage(port: number, seed: number, n = 12): Buffer[] {
  const rng = new Rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const body = rng.bytes(rng.int(1, 300));
    out.push(udpFrame(HMI, PLC, 41000 + i, port, body));
  }
  return out;
}

/** Hand-made malformations, one per anomaly family, that a real capture could contain. */
export function malformedDns(): Buffer[] {
  // a query whose name is a pointer to itself (offset 12): a compression loop
  const loop = Buffer.from('beef01000001000000000000c00c00010001', 'hex');
  // a label with the reserved 0x40 type bits
  const badLabel = Buffer.from('beef0100000100000000000041616100010001', 'hex');
  return [udpFrame(HMI, DHCPD, 50010, 53, loop), udpFrame(HMI, DHCPD, 50011, 53, badLabel)];
}

export function malformedSnmp(): Buffer[] {
  // indefinite length (0x80) on the message SEQUENCE, banned by RFC 3417 §8
  const indefinite = Buffer.concat([Buffer.from([0x30, 0x80]), berInt(1), berStr('public'), tlv(0xa0, berInt(1), berInt(0), berInt(0), tlv(0x30)), Buffer.from([0, 0])]);
  // a varbind whose length (0x7f) runs past the varbind list holding it
  const overrun = tlv(0x30, berInt(1), berStr('public'), tlv(0xa0, berInt(1), berInt(0), berInt(0), tlv(0x30, Buffer.from([0x30, 0x7f]), berOid('1.3.6.1.2.1.1.1.0'), berNull())));
  return [udpFrame(HMI, PLC, 40170, 161, indefinite), udpFrame(HMI, PLC, 40171, 161, overrun)];
}

// ---------------------------------------------------------------- write the captures

function pcap(frames: Buffer[], t0: number): Buffer {
  const packets: Packet[] = frames.map((data, i) => ({ ts: t0 + i * 250_000, data }));
  return writePcap(packets).bytes;
}

export const CAPTURES: Record<string, () => Buffer[]> = {
  'dhcp/dhcp-dora.pcap': dhcpDora,
  'dhcp/dhcp-garbage.pcap': () => garbage(67, 67),
  'dns/dns-mdns-llmnr.pcap': () => [...dnsExchange(), ...mdnsFrames(), ...llmnrFrames()],
  'dns/dns-garbage.pcap': () => [...garbage(53, 53), ...garbage(5353, 5353), ...garbage(5355, 5355), ...malformedDns()],
  'snmp/snmp-walk.pcap': snmpWalk,
  'snmp/snmp-garbage.pcap': () => [...garbage(161, 161), ...malformedSnmp()],
  'nbns/nbns-register-query.pcap': nbnsFrames,
  'nbns/nbns-garbage.pcap': () => garbage(137, 137),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps');
  let t0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in µs
  for (const [name, make] of Object.entries(CAPTURES)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, pcap(make(), t0));
    t0 += 60_000_000;
    console.log(`wrote pcaps/${name}`);
  }
}
