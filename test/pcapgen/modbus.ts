// Generates pcaps/modbus/*.pcap: `npx tsx test/pcapgen/modbus.ts`. Deterministic (fixed start time,
// seeded Rng), private addresses only (10.0.0.0/8); nothing is sent anywhere. Each ADU is built from
// the field tables of the Modbus Application Protocol Specification v1.1b3 §6 and the MBAP header of
// Modbus Messaging on TCP/IP §3.1.3. Also writes pcaps/modbus/EXPECTED.json: what the pipeline must
// yield per capture (PDU kinds, anomalies, identity), stated here from the scenario, not measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Endpoint, Rng, tcpConversation, type ConversationMessage, type ConversationOptions } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../../pcaps/modbus', import.meta.url));
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z in ns
const MS = 1_000_000n;

const HMI = { mac: '00:50:56:00:01:0a', ip: '10.0.1.10' };
const PLC = { mac: '00:80:f4:00:01:15', ip: '10.0.1.21' };
const PLC2 = { mac: '00:80:f4:00:01:16', ip: '10.0.1.22' };
const WEB = { mac: '00:1b:1b:00:02:05', ip: '10.0.2.5' };
const SCANNER = { mac: '02:00:00:00:09:09', ip: '10.0.9.9' };
const at = (h: { mac: string; ip: string }, port: number): Endpoint => ({ ...h, port });

/** MBAP header + PDU (§3.1.3: length counts the unit id and the PDU). */
function adu(tid: number, unit: number, fc: number, ...fields: Array<number | Buffer>): Buffer {
  const body = Buffer.concat(fields.map((f) => (typeof f === 'number' ? u16(f) : f)));
  const h = Buffer.alloc(8);
  h.writeUInt16BE(tid, 0);
  h.writeUInt16BE(0, 2);
  h.writeUInt16BE(2 + body.length, 4);
  h[6] = unit;
  h[7] = fc;
  return Buffer.concat([h, body]);
}
const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
const u8 = (...v: number[]) => Buffer.from(v);
const regs = (...v: number[]) => Buffer.concat([u8(v.length * 2), ...v.map(u16)]);
const str = (id: number, s: string) => Buffer.concat([u8(id, s.length), Buffer.from(s, 'latin1')]);

interface Expect { kinds: Record<string, number>; anomalies: Record<string, number>; identity?: Record<string, string> }
const expected: Record<string, Expect> = {};
const captures: Array<[string, ConversationOptions[]]> = [];

function tally(msgs: ConversationMessage[], kinds: Array<[number, string]>, into: Record<string, number>) {
  for (const [i, k] of kinds) {
    if (!msgs[i]) throw new Error(`no message ${i}`);
    into[k] = (into[k] ?? 0) + 1;
  }
}

// ---------------------------------------------------------------- 1. a normal polling session
{
  const U = 1;
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  const messages: ConversationMessage[] = [
    c(adu(1, U, 3, 0, 4)), s(adu(1, U, 3, regs(215, 1013, 0, 42))),
    c(adu(2, U, 1, 0, 10)), s(adu(2, U, 1, u8(2, 0x55, 0x01))),
    c(adu(3, U, 2, 100, 8)), s(adu(3, U, 2, u8(1, 0x81))),
    c(adu(4, U, 4, 0, 2)), s(adu(4, U, 4, regs(1, 2))),
    c(adu(5, U, 5, 7, 0xff00)), s(adu(5, U, 5, 7, 0xff00)),
    c(adu(6, U, 6, 40, 1234)), s(adu(6, U, 6, 40, 1234)),
    c(adu(7, U, 15, 20, 10, u8(2, 0xcd, 0x01))), s(adu(7, U, 15, 20, 10)),
    c(adu(8, U, 16, 50, 2, regs(0x000a, 0x0102))), s(adu(8, U, 16, 50, 2)),
    c(adu(9, U, 23, 3, 2, 14, 1, regs(0x00ff))), s(adu(9, U, 23, regs(7, 8))),
    c(adu(10, U, 22, 4, 0x00f2, 0x0025)), s(adu(10, U, 22, 4, 0x00f2, 0x0025)),
    c(adu(11, U, 7)), s(adu(11, U, 7, u8(0x6d))),
    c(adu(12, U, 8, 0, 0xa537)), s(adu(12, U, 8, 0, 0xa537)),
    c(adu(13, U, 11)), s(adu(13, U, 11, 0, 8)),
    c(adu(14, U, 17)), s(adu(14, U, 17, u8(6), Buffer.from('EX100', 'latin1'), u8(0xff))),
    c(adu(15, U, 43, u8(14, 2, 0))),
    s(adu(15, U, 43, u8(14, 2, 0x82, 0, 0, 5), str(0, 'Example Automation'), str(1, 'EX-PLC-100'), str(2, 'V2.4'),
      str(4, 'EX100 Controller'), str(5, 'EX100-8DI'))),
    // a read past the end of the register map: exception 2, Illegal Data Address (§7)
    c(adu(16, U, 3, 9000, 10)), s(adu(16, U, 0x83, u8(2))),
  ];
  const kinds: Record<string, number> = {};
  const names = ['read_holding_registers', 'read_coils', 'read_discrete_inputs', 'read_input_registers', 'write_single_coil',
    'write_single_register', 'write_multiple_coils', 'write_multiple_registers', 'read_write_multiple_registers', 'mask_write_register',
    'read_exception_status', 'diagnostics', 'get_comm_event_counter', 'report_server_id', 'read_device_identification', 'read_holding_registers'];
  names.forEach((n, i) => tally(messages, [[2 * i, `${n}_request`], [2 * i + 1, i === 15 ? 'exception' : `${n}_response`]], kinds));
  // the same PLC family on a non-standard port: found by the probe, not by port 502
  const alt: ConversationMessage[] = [c(adu(1, 2, 3, 0, 1)), s(adu(1, 2, 3, regs(99))), c(adu(2, 2, 3, 0, 1)), s(adu(2, 2, 3, regs(100)))];
  kinds.read_holding_registers_request! += 2;
  kinds.read_holding_registers_response! += 2;
  captures.push(['polling-session.pcap', [
    { client: at(HMI, 49200), server: at(PLC, 502), startNs: T0, rng: new Rng(502), messages },
    { client: at(HMI, 49201), server: at(PLC2, 5020), startNs: T0 + 200n * MS, rng: new Rng(5020), messages: alt },
  ]]);
  expected['polling-session.pcap'] = {
    kinds, anomalies: {},
    identity: { vendor: 'Example Automation', productCode: 'EX-PLC-100', firmwareVersion: 'V2.4', productName: 'EX100 Controller', model: 'EX100-8DI' },
  };
}

// ---------------------------------------------------------------- 2. non-Modbus traffic on port 502
{
  // Internet-scanner style payloads (cf. zeek's modbus-and-non-modbus-p502 trace), here from a private host:
  // an HTTP GET, a TLS ClientHello and an RDP/TPKT connection request, each answered by the listener.
  const http = Buffer.from('GET / HTTP/1.1\r\nHost: 10.0.2.5:502\r\nUser-Agent: scan/1.0\r\nAccept: */*\r\n\r\n', 'latin1');
  const httpReply = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const tls = Buffer.concat([Buffer.from('16030100310100002d0303', 'hex'), Buffer.alloc(32, 0x11), Buffer.from('000002c02f01000002ff01', 'hex')]);
  const tpkt = Buffer.from('0300002b26e00000000000436f6f6b69653a206d737473686173683d61646d696e0d0a0100080003000000', 'hex');
  const flows: ConversationOptions[] = [
    { client: at(SCANNER, 40001), server: at(WEB, 502), startNs: T0, rng: new Rng(1), messages: [{ from: 'client', data: http }, { from: 'server', data: httpReply }] },
    { client: at(SCANNER, 40002), server: at(WEB, 502), startNs: T0 + 50n * MS, rng: new Rng(2), messages: [{ from: 'client', data: tls }, { from: 'server', data: Buffer.from('15030100020228', 'hex') }] },
    { client: at(SCANNER, 40003), server: at(WEB, 502), startNs: T0 + 100n * MS, rng: new Rng(3), messages: [{ from: 'client', data: tpkt }, { from: 'client', data: tpkt }] },
  ];
  captures.push(['non-modbus-p502.pcap', flows]);
  // every direction that carries data loses framing once; after that its segments are probed and skipped
  expected['non-modbus-p502.pcap'] = { kinds: {}, anomalies: { 'stream.desync': 5 } };
}

// ---------------------------------------------------------------- 3. garbage after a TCP gap, then resync
{
  const U = 3;
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  const big = adu(2, U, 16, 200, 20, regs(...Array.from({ length: 20 }, (_, i) => 0x4141 + i))); // 53 bytes: 3 segments of <= 24
  const messages: ConversationMessage[] = [
    c(adu(1, U, 3, 0, 2)), s(adu(1, U, 3, regs(1, 2))), // data segments 0, 1
    c(big), s(adu(2, U, 16, 200, 20)), // 2, 3, 4 (the first is lost: 3 and 4 are the tail of a PDU), 5
    c(adu(3, U, 3, 0, 2)), s(adu(3, U, 3, regs(3, 4))), // 6, 7: resynchronised at a segment start
    // junk written by a broken client at a PDU boundary: framing fails, the next request resyncs
    c(Buffer.from('ffffffffdeadbeef', 'hex')),
    c(adu(4, U, 3, 0, 2)), s(adu(4, U, 3, regs(5, 6))),
  ];
  captures.push(['gap-resync.pcap', [{ client: at(HMI, 49300), server: at(PLC, 502), startNs: T0, rng: new Rng(77), messages, segmentSize: 24, drop: [2] }]]);
  expected['gap-resync.pcap'] = {
    kinds: { read_holding_registers_request: 3, read_holding_registers_response: 3, write_multiple_registers_response: 1 },
    // the response to the lost write finds no request; the junk costs one desync
    anomalies: { 'modbus.unmatched_response': 1, 'stream.desync': 1 },
  };
}

mkdirSync(OUT, { recursive: true });
for (const [name, flows] of captures) {
  const frames = flows.flatMap((o) => tcpConversation(o).frames).sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  const w = writePcap(frames.map((f) => ({ ts: { sec: Number(f.tsNs / 1_000_000_000n), nsec: Number(f.tsNs % 1_000_000_000n) }, data: f.data })), { resolution: 'ns' });
  writeFileSync(join(OUT, name), w.bytes);
  console.log(`${name}: ${w.packets.length} packets`);
}
writeFileSync(join(OUT, 'EXPECTED.json'), JSON.stringify(expected, null, 2) + '\n');
