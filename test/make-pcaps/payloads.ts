// Application payloads the captures carry: Modbus/TCP, DNS, NTP, DHCP, syslog, and the length-prefixed
// records of the tcp/ scenarios.
import type { Rng } from '../support/frames.js';
import { S } from './constants.js';

/** Modbus/TCP ADU: MBAP header (transaction, protocol 0, length of unit id + PDU, unit id), then the PDU. */
function mbap(tid: number, unit: number, pdu: Buffer): Buffer {
  const h = Buffer.alloc(7);
  h.writeUInt16BE(tid, 0);
  h.writeUInt16BE(0, 2);
  h.writeUInt16BE(pdu.length + 1, 4);
  h[6] = unit;
  return Buffer.concat([h, pdu]);
}

function u16s(...xs: number[]): Buffer {
  const b = Buffer.alloc(xs.length * 2);
  xs.forEach((x, i) => b.writeUInt16BE(x & 0xffff, i * 2));
  return b;
}

export const modbus = {
  readReq: (tid: number, unit: number, addr: number, qty: number): Buffer => mbap(tid, unit, Buffer.concat([Buffer.from([3]), u16s(addr, qty)])),
  readResp: (tid: number, unit: number, values: number[]): Buffer =>
    mbap(tid, unit, Buffer.concat([Buffer.from([3, values.length * 2]), u16s(...values)])),
  writeReq: (tid: number, unit: number, addr: number, values: number[]): Buffer =>
    mbap(tid, unit, Buffer.concat([Buffer.from([0x10]), u16s(addr, values.length), Buffer.from([values.length * 2]), u16s(...values)])),
  writeResp: (tid: number, unit: number, addr: number, qty: number): Buffer => mbap(tid, unit, Buffer.concat([Buffer.from([0x10]), u16s(addr, qty)])),
};

function dnsName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** DNS (RFC 1035 §4.1) query, or its answer with A/AAAA records pointing back at the question name. */
export function dns(o: { id: number; name: string; qtype: 1 | 28; answers?: Buffer[]; response: boolean; rcode?: number }): Buffer {
  const answers = o.answers ?? [];
  const flags = o.response ? 0x8580 | (o.rcode ?? 0) : 0x0100; // response: QR AA RD RA; query: RD
  const parts = [u16s(o.id, flags, 1, o.response ? answers.length : 0, 0, 0), dnsName(o.name), u16s(o.qtype, 1)];
  if (o.response) {
    for (const rdata of answers) {
      const ttl = Buffer.alloc(4);
      ttl.writeUInt32BE(3600);
      parts.push(u16s(0xc00c, o.qtype, 1), ttl, u16s(rdata.length), rdata);
    }
  }
  return Buffer.concat(parts);
}

function ntpTime(ns: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (ns === 0n) return b;
  b.writeUInt32BE(Number(ns / S + 2_208_988_800n), 0); // NTP era 0 counts from 1900
  b.writeUInt32BE(Number(((ns % S) << 32n) / S), 4);
  return b;
}

/** NTPv4 (RFC 5905 §7.3): client request (mode 3) or server reply (mode 4). */
export function ntp(o: { mode: 3 | 4; origNs?: bigint; rxNs?: bigint; txNs: bigint }): Buffer {
  const h = Buffer.alloc(16);
  h[0] = (4 << 3) | o.mode;
  h[1] = o.mode === 4 ? 1 : 0; // the server is stratum 1 (GPS)
  h[2] = 6;
  h[3] = 0xec; // precision 2^-20
  if (o.mode === 4) {
    h.writeUInt32BE(0x00000010, 8); // root dispersion
    h.write('GPS\0', 12, 'ascii');
  }
  return Buffer.concat([h, ntpTime(o.mode === 4 ? o.txNs - 16n * S : 0n), ntpTime(o.origNs ?? 0n), ntpTime(o.rxNs ?? 0n), ntpTime(o.txNs)]);
}

/** DHCP (RFC 2131 §2, options RFC 2132) on a BOOTP frame padded to the classic 300-byte minimum. */
export function dhcp(o: { op: 1 | 2; xid: number; chaddr: string; yiaddr?: string; options: [number, Buffer][] }): Buffer {
  const b = Buffer.alloc(240);
  b[0] = o.op;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(o.xid, 4);
  if (o.yiaddr) Buffer.from(o.yiaddr.split('.').map(Number)).copy(b, 16);
  Buffer.from(o.chaddr.split(':').map((x) => parseInt(x, 16))).copy(b, 28);
  b.writeUInt32BE(0x63825363, 236); // magic cookie
  const opts = Buffer.concat([...o.options.map(([c, v]) => Buffer.concat([Buffer.from([c, v.length]), v])), Buffer.from([255])]);
  const msg = Buffer.concat([b, opts]);
  return msg.length < 300 ? Buffer.concat([msg, Buffer.alloc(300 - msg.length)]) : msg;
}

export function ip4(s: string): Buffer {
  return Buffer.from(s.split('.').map(Number));
}

export function syslog(host: string, msg: string): Buffer {
  return Buffer.from(`<134>1 2024-01-01T00:00:00.000Z ${host} scada - - - ${msg}`, 'ascii');
}

/** A length-prefixed record (4-byte big-endian length, then the body), the framing the tcp/ scenarios carry. */
export function record(rng: Rng, tag: string, bodyLen: number): Buffer {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let body = `${tag}:`;
  while (body.length < bodyLen) body += letters[rng.int(0, letters.length - 1)];
  const b = Buffer.from(body.slice(0, bodyLen), 'ascii');
  const h = Buffer.alloc(4);
  h.writeUInt32BE(b.length);
  return Buffer.concat([h, b]);
}

/** Records (from the well-formed sent stream) that lie wholly inside one captured run. */
export function wholeRecords(stream: Buffer, runs: Buffer[], at: number[]): number {
  let n = 0;
  for (let i = 0; i + 4 <= stream.length; ) {
    const end = i + 4 + stream.readUInt32BE(i);
    if (runs.some((r, k) => at[k]! <= i && end <= at[k]! + r.length)) n++;
    i = end;
  }
  return n;
}
