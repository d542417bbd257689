// Generates pcaps/bacnet/*.pcap (npx tsx test/pcapgen/bacnet.ts): BACnet/IP exchanges built from the
// encodings of ASHRAE 135 (Annex J BVLC, clause 6 NPDU, clause 20 APDU and tags), deterministic (fixed
// times, no randomness), between documentation addresses (192.0.2.0/24, RFC 5737) and locally
// administered MACs. The builders are exported so the frame tests can round-trip through them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Host, udpFrame } from '../support/frames.js';
import { type Packet, writePcap } from '../support/pcap-writer.js';

// ---------------------------------------------------------------- encoders (clause 20.2)

const tagOctet = (num: number, context: boolean, lvt: number): number[] =>
  num < 15 ? [(num << 4) | (context ? 8 : 0) | lvt] : [0xf0 | (context ? 8 : 0) | lvt, num];

function tagged(num: number, context: boolean, content: Buffer): Buffer {
  const n = content.length;
  const head = n < 5 ? tagOctet(num, context, n) : n < 254 ? [...tagOctet(num, context, 5), n] : [...tagOctet(num, context, 5), 254, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(head), content]);
}

function uintBytes(v: number): Buffer {
  const out: number[] = [];
  do { out.unshift(v & 0xff); v = Math.floor(v / 256); } while (v > 0);
  return Buffer.from(out);
}

const objBytes = (type: number, instance: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(((type << 22) | instance) >>> 0);
  return b;
};

export const T = {
  ctxUnsigned: (num: number, v: number) => tagged(num, true, uintBytes(v)),
  ctxObject: (num: number, type: number, instance: number) => tagged(num, true, objBytes(type, instance)),
  ctxString: (num: number, s: string) => tagged(num, true, Buffer.concat([Buffer.from([0]), Buffer.from(s, 'utf8')])),
  open: (num: number) => Buffer.from(tagOctet(num, true, 6)),
  close: (num: number) => Buffer.from(tagOctet(num, true, 7)),
  appUnsigned: (v: number) => tagged(2, false, uintBytes(v)),
  appEnum: (v: number) => tagged(9, false, uintBytes(v)),
  appReal: (v: number) => { const b = Buffer.alloc(4); b.writeFloatBE(v); return tagged(4, false, b); },
  appString: (s: string) => tagged(7, false, Buffer.concat([Buffer.from([0]), Buffer.from(s, 'utf8')])),
  appObject: (type: number, instance: number) => tagged(12, false, objBytes(type, instance)),
  appDate: (y: number, m: number, d: number, wd: number) => tagged(10, false, Buffer.from([y - 1900, m, d, wd])),
  appTime: (h: number, mi: number, s: number, hs: number) => tagged(11, false, Buffer.from([h, mi, s, hs])),
};

// ---------------------------------------------------------------- BVLC / NPDU / APDU

export const BVLC = { RESULT: 0x00, FORWARDED: 0x04, REGISTER_FD: 0x05, UNICAST: 0x0a, BROADCAST: 0x0b } as const;

/** Annex J.2: type 0x81, function, 16-bit length of the whole BVLL message. */
export function bvlc(fn: number, body: Buffer): Buffer {
  const h = Buffer.from([0x81, fn, 0, 0]);
  h.writeUInt16BE(4 + body.length, 2);
  return Buffer.concat([h, body]);
}

/** Clause 6.2: version 1 and control; optional routing (DNET/SNET) fields. */
export function npdu(o: { expectingReply?: boolean; dnet?: number; dadr?: Buffer; snet?: number; sadr?: Buffer; netMsg?: number } = {}): Buffer {
  const parts: number[] = [1, 0];
  let control = 0;
  if (o.netMsg !== undefined) control |= 0x80;
  if (o.dnet !== undefined) { control |= 0x20; parts.push(o.dnet >> 8, o.dnet & 0xff, o.dadr?.length ?? 0, ...(o.dadr ?? [])); }
  if (o.snet !== undefined) { control |= 0x08; parts.push(o.snet >> 8, o.snet & 0xff, o.sadr!.length, ...o.sadr!); }
  if (o.expectingReply) control |= 0x04;
  if (o.dnet !== undefined) parts.push(255);
  if (o.netMsg !== undefined) parts.push(o.netMsg);
  parts[1] = control;
  return Buffer.from(parts);
}

/** 20.1.2: confirmed request, unsegmented, max 1476-octet APDU accepted. */
export const confirmed = (invokeId: number, service: number, ...body: Buffer[]) =>
  Buffer.concat([Buffer.from([0x00, 0x05, invokeId, service]), ...body]);
export const unconfirmed = (service: number, ...body: Buffer[]) => Buffer.concat([Buffer.from([0x10, service]), ...body]);
export const simpleAck = (invokeId: number, service: number) => Buffer.from([0x20, invokeId, service]);
export const complexAck = (invokeId: number, service: number, ...body: Buffer[]) =>
  Buffer.concat([Buffer.from([0x30, invokeId, service]), ...body]);
export const errorPdu = (invokeId: number, service: number, cls: number, code: number) =>
  Buffer.concat([Buffer.from([0x50, invokeId, service]), T.appEnum(cls), T.appEnum(code)]);
export const rejectPdu = (invokeId: number, reason: number) => Buffer.from([0x60, invokeId, reason]);
export const abortPdu = (invokeId: number, reason: number, server: boolean) => Buffer.from([0x70 | (server ? 1 : 0), invokeId, reason]);

/** A whole BACnet/IP datagram payload: Original-Unicast (or -Broadcast) + NPDU + APDU. */
export const bip = (apdu: Buffer, o: { broadcast?: boolean; expectingReply?: boolean; snet?: number; sadr?: Buffer } = {}) =>
  bvlc(o.broadcast ? BVLC.BROADCAST : BVLC.UNICAST, Buffer.concat([npdu(o), apdu]));

// Object types, properties and services used below (clause 21)
export const OBJ = { ANALOG_OUTPUT: 1, BINARY_OUTPUT: 4, DEVICE: 8 } as const;
export const PID = { FIRMWARE_REVISION: 44, MODEL_NAME: 70, OBJECT_NAME: 77, PRESENT_VALUE: 85, VENDOR_NAME: 121 } as const;
export const SVC = {
  READ_PROPERTY: 12, READ_PROPERTY_MULTIPLE: 14, WRITE_PROPERTY: 15, DCC: 17, REINITIALIZE: 20,
  I_AM: 0, I_HAVE: 1, TIME_SYNC: 6, WHO_HAS: 7, WHO_IS: 8,
} as const;

export const iAm = (instance: number, vendorId: number) =>
  unconfirmed(SVC.I_AM, T.appObject(OBJ.DEVICE, instance), T.appUnsigned(1476), T.appEnum(0), T.appUnsigned(vendorId));
export const readProperty = (invokeId: number, type: number, instance: number, prop: number) =>
  confirmed(invokeId, SVC.READ_PROPERTY, T.ctxObject(0, type, instance), T.ctxUnsigned(1, prop));
export const readPropertyAck = (invokeId: number, type: number, instance: number, prop: number, value: Buffer) =>
  complexAck(invokeId, SVC.READ_PROPERTY, T.ctxObject(0, type, instance), T.ctxUnsigned(1, prop), T.open(3), value, T.close(3));

// ---------------------------------------------------------------- captures

const WS: Host = { mac: '02:00:5e:00:00:0a', ip: '192.0.2.10' };       // operator workstation
const DEV1: Host = { mac: '02:00:5e:00:00:15', ip: '192.0.2.21' };     // controller, also a router to network 5
const DEV2: Host = { mac: '02:00:5e:00:00:16', ip: '192.0.2.22' };     // controller
const BBMD: Host = { mac: '02:00:5e:00:00:1e', ip: '192.0.2.30' };     // broadcast management device
const BCAST: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '192.0.2.255' };
const PORT = 47808;
const T0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z, in microseconds

function capture(frames: Array<[Host, Host, Buffer]>): Packet[] {
  return frames.map(([from, to, payload], i) => ({ ts: T0 + i * 10_000, data: udpFrame(from, to, PORT, PORT, payload) }));
}

/** Who-Is, I-Am (plain and routed), device identity reads, an RPM, an error, Who-Has/I-Have, TimeSynchronization. */
export function discoveryCapture(): Packet[] {
  const name = (s: string) => T.appString(s);
  return capture([
    [WS, BCAST, bip(unconfirmed(SVC.WHO_IS), { broadcast: true })],
    [DEV1, BCAST, bip(iAm(1201, 24), { broadcast: true })],
    [DEV2, BCAST, bip(iAm(1202, 5), { broadcast: true })],
    // a device on MS/TP network 5 (MAC 0x0c) answering through DEV1's router
    [DEV1, BCAST, bip(iAm(5012, 8), { broadcast: true, snet: 5, sadr: Buffer.from([0x0c]) })],
    [WS, DEV1, bip(readProperty(1, OBJ.DEVICE, 1201, PID.OBJECT_NAME), { expectingReply: true })],
    [DEV1, WS, bip(readPropertyAck(1, OBJ.DEVICE, 1201, PID.OBJECT_NAME, name('AHU-1 Controller')))],
    [WS, DEV1, bip(readProperty(2, OBJ.DEVICE, 1201, PID.MODEL_NAME), { expectingReply: true })],
    [DEV1, WS, bip(readPropertyAck(2, OBJ.DEVICE, 1201, PID.MODEL_NAME, name('OF683-EXAMPLE')))],
    [WS, DEV1, bip(readProperty(3, OBJ.DEVICE, 1201, PID.FIRMWARE_REVISION), { expectingReply: true })],
    [DEV1, WS, bip(readPropertyAck(3, OBJ.DEVICE, 1201, PID.FIRMWARE_REVISION, name('6.02a')))],
    [WS, DEV2, bip(confirmed(4, SVC.READ_PROPERTY_MULTIPLE, T.ctxObject(0, OBJ.DEVICE, 1202), T.open(1),
      T.ctxUnsigned(0, PID.OBJECT_NAME), T.ctxUnsigned(0, PID.VENDOR_NAME), T.close(1)), { expectingReply: true })],
    [DEV2, WS, bip(complexAck(4, SVC.READ_PROPERTY_MULTIPLE, T.ctxObject(0, OBJ.DEVICE, 1202), T.open(1),
      T.ctxUnsigned(2, PID.OBJECT_NAME), T.open(4), name('Boiler Plant'), T.close(4),
      T.ctxUnsigned(2, PID.VENDOR_NAME), T.open(4), name('Example Controls'), T.close(4), T.close(1)))],
    // property 9999 does not exist: Error property/unknown-property
    [WS, DEV2, bip(readProperty(5, OBJ.DEVICE, 1202, 9999), { expectingReply: true })],
    [DEV2, WS, bip(errorPdu(5, SVC.READ_PROPERTY, 2, 32))],
    [WS, BCAST, bip(unconfirmed(SVC.WHO_HAS, T.ctxString(3, 'OAT Sensor')), { broadcast: true })],
    [DEV2, BCAST, bip(unconfirmed(SVC.I_HAVE, T.appObject(OBJ.DEVICE, 1202), T.appObject(0, 3), T.appString('OAT Sensor')), { broadcast: true })],
    [WS, BCAST, bip(unconfirmed(SVC.TIME_SYNC, T.appDate(2026, 1, 1, 4), T.appTime(0, 0, 5, 0)), { broadcast: true })],
  ]);
}

/**
 * Writes and device control: WriteProperty, ReinitializeDevice (warm start, then a wrong password),
 * DeviceCommunicationControl disable, a Reject and an Abort, foreign-device registration and a
 * Forwarded-NPDU I-Am relayed by a BBMD.
 */
export function controlCapture(): Packet[] {
  const fwd = Buffer.concat([Buffer.from([198, 51, 100, 7, 0xba, 0xc0]), npdu(), iAm(7007, 24)]);
  return capture([
    [WS, DEV1, bip(confirmed(10, SVC.WRITE_PROPERTY, T.ctxObject(0, OBJ.ANALOG_OUTPUT, 1), T.ctxUnsigned(1, PID.PRESENT_VALUE),
      T.open(3), T.appReal(42.5), T.close(3), T.ctxUnsigned(4, 8)), { expectingReply: true })],
    [DEV1, WS, bip(simpleAck(10, SVC.WRITE_PROPERTY))],
    [WS, DEV1, bip(confirmed(11, SVC.REINITIALIZE, T.ctxUnsigned(0, 1), T.ctxString(1, 'secret')), { expectingReply: true })],
    [DEV1, WS, bip(simpleAck(11, SVC.REINITIALIZE))],
    [WS, DEV2, bip(confirmed(12, SVC.DCC, T.ctxUnsigned(0, 60), T.ctxUnsigned(1, 1), T.ctxString(2, 'secret')), { expectingReply: true })],
    [DEV2, WS, bip(simpleAck(12, SVC.DCC))],
    [WS, DEV2, bip(confirmed(13, SVC.REINITIALIZE, T.ctxUnsigned(0, 0), T.ctxString(1, 'guess')), { expectingReply: true })],
    [DEV2, WS, bip(errorPdu(13, SVC.REINITIALIZE, 5, 26))],
    // service 35 is not defined: Reject unrecognized-service
    [WS, DEV2, bip(confirmed(14, 35), { expectingReply: true })],
    [DEV2, WS, bip(rejectPdu(14, 9))],
    [WS, DEV1, bip(readProperty(15, OBJ.DEVICE, 1201, 76), { expectingReply: true })],
    [DEV1, WS, bip(abortPdu(15, 4, true))],
    // a foreign device registers with the BBMD for 300 s; the BBMD answers Successful completion
    [WS, BBMD, bvlc(BVLC.REGISTER_FD, Buffer.from([0x01, 0x2c]))],
    [BBMD, WS, bvlc(BVLC.RESULT, Buffer.from([0x00, 0x00]))],
    [BBMD, BCAST, bvlc(BVLC.FORWARDED, fwd)],
  ]);
}

/**
 * Non-BACnet and broken datagrams on 47808: none may yield a PDU. Text, BACnet/IPv6 (type 0x82), a
 * BVLC length past the datagram with a cut body, NPDU version 2, a reserved APDU type, an I-Am whose
 * first parameter has the wrong tag, and an unknown BVLC function.
 */
export function negativeCapture(): Packet[] {
  return capture([
    [WS, DEV1, Buffer.from('HELLO 47808\r\n', 'latin1')],
    [WS, DEV1, Buffer.from('820a000a0100100800', 'hex')],
    [WS, DEV1, Buffer.from('810a00200100000501', 'hex')],
    [WS, DEV1, Buffer.from('810a00080200100800'.slice(0, 16), 'hex')],
    [WS, DEV1, bvlc(BVLC.UNICAST, Buffer.from('010090', 'hex'))],
    [DEV1, BCAST, bip(unconfirmed(SVC.I_AM, T.appUnsigned(1201), T.appUnsigned(1476), T.appEnum(0), T.appUnsigned(24)), { broadcast: true })],
    [WS, DEV1, bvlc(0x20, Buffer.alloc(0))],
  ]);
}

export const CAPTURES: Record<string, () => Packet[]> = {
  'bacnet/discovery-and-reads.pcap': discoveryCapture,
  'bacnet/control-and-errors.pcap': controlCapture,
  'bacnet/not-bacnet-on-47808.pcap': negativeCapture,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps');
  for (const [path, make] of Object.entries(CAPTURES)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, writePcap(make()).bytes);
    console.log(`wrote ${path}`);
  }
}
