// Writes the MMS captures in pcaps/mms/ (run: npx tsx test/pcapgen/mms.ts). Deterministic (seeded
// Rng, fixed ISNs and times); addresses are private (10.61.0.0/24) and MACs locally administered; the
// IED's names, vendor and files are made up. PDUs are built field by field: TPKT (RFC 1006 §6), COTP
// class 0 (ISO 8073 §13), session SPDUs (ISO 8327-1 §8.3), presentation CP/CPA and fully-encoded
// user data (ISO 8823 §8), ACSE AARQ/AARE/RLRQ/RLRE (ISO 8650-1) and MMS PDUs (ISO 9506-2), all BER
// with definite lengths (X.690 §8.1).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';
import { tpktDt } from './s7comm.js';

const OUT = fileURLToPath(new URL('../../pcaps/mms/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_326_400n * S; // 2024-01-04T00:00:00Z

export const CLIENT: Endpoint = { mac: '02:00:00:61:00:0a', ip: '10.61.0.10', port: 49500 };
export const IED: Endpoint = { mac: '02:00:00:61:00:14', ip: '10.61.0.20', port: 102 };
export const IED_ID = { vendor: 'Demo Relays', model: 'DR-7000 Feeder IED', revision: 'V2.14.3' };
export const LDS = ['DEMOIEDLD0', 'DEMOIEDPROT', 'DEMOIEDCTRL'];

// ---------------------------------------------------------------- BER (X.690 §8.1)

const len = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
/** One element: identifier octet(s) (a number below 256, or an array for high tag numbers) and contents. */
export const tlv = (id: number | number[], ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(Array.isArray(id) ? id : [id]), len(body.length), body]);
};
/** INTEGER contents, minimal two's complement. */
export const intv = (n: number): Buffer => {
  const out = [n & 0xff];
  for (let v = n >> 8; !((v === 0 && !(out[0]! & 0x80)) || (v === -1 && out[0]! & 0x80)); v >>= 8) out.unshift(v & 0xff);
  return Buffer.from(out);
};
const txt = (s: string) => Buffer.from(s, 'latin1');
export const vis = (s: string) => tlv(0x1a, txt(s)); // VisibleString (an MMS Identifier)
/** OBJECT IDENTIFIER contents (X.690 §8.19); `oid` is the whole element. */
const oidc = (s: string): Buffer => {
  const arcs = s.split('.').map(Number);
  const out = [arcs[0]! * 40 + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const d = [a & 0x7f];
    for (let v = a >> 7; v > 0; v >>= 7) d.unshift((v & 0x7f) | 0x80);
    out.push(...d);
  }
  return Buffer.from(out);
};
const oid = (s: string): Buffer => tlv(0x06, oidc(s));
/** A high-tag-number context identifier (X.690 §8.1.2.4): [n] for n >= 31, constructed or not. */
export const ctx = (n: number, constructed: boolean): number | number[] => (n < 31 ? (constructed ? 0xa0 : 0x80) | n : [constructed ? 0xbf : 0x9f, n]);

// ---------------------------------------------------------------- MMS (ISO 9506-2)

/** ObjectName domain-specific [1] { domainId, itemId } */
export const domainName = (domain: string, item: string) => tlv(0xa1, vis(domain), vis(item));
/** VariableAccessSpecification listOfVariable [0]: named variables. */
export const listOfVariable = (...names: Buffer[]) => tlv(0xa0, ...names.map((n) => tlv(0x30, tlv(0xa0, n))));
export const confirmedReq = (invokeId: number, svc: number, body: Buffer | null) =>
  tlv(0xa0, tlv(0x02, intv(invokeId)), body === null ? tlv(ctx(svc, false), Buffer.alloc(0)) : tlv(ctx(svc, true), body));
export const confirmedResp = (invokeId: number, svc: number, body: Buffer | null) =>
  tlv(0xa1, tlv(0x02, intv(invokeId)), body === null ? tlv(ctx(svc, false), Buffer.alloc(0)) : tlv(ctx(svc, true), body));
/** A request whose service is a primitive (an Identifier or Integer32 IMPLICIT). */
export const confirmedReqPrim = (invokeId: number, svc: number, value: Buffer) => tlv(0xa0, tlv(0x02, intv(invokeId)), tlv(ctx(svc, false), value));
export const confirmedError = (invokeId: number, errClass: number, code: number) =>
  tlv(0xa2, tlv(0x80, intv(invokeId)), tlv(0xa2, tlv(0xa0, tlv(0x80 | errClass, intv(code)))));

const initiate = (tag: number, services: Buffer) => tlv(tag,
  tlv(0x80, intv(65000)), tlv(0x81, intv(5)), tlv(0x82, intv(5)), tlv(0x83, intv(10)),
  tlv(0xa4, tlv(0x80, intv(1)), tlv(0x81, bits(11, 0, 1, 2, 3, 7)), tlv(0x82, services)));
/** BIT STRING contents (X.690 §8.6) of `size` bits with the given bits set (bit 0 = the first octet's MSB). */
const bits = (size: number, ...set: number[]) => {
  const b = Buffer.alloc(1 + Math.ceil(size / 8));
  b[0] = b.length * 8 - 8 - size;
  for (const i of set) b[1 + (i >> 3)]! |= 0x80 >> (i & 7);
  return b;
};
// ServiceSupportOptions (85 bits): status, getNameList, identify, read, write, getVariableAccessAttributes,
// define/getAttributes/deleteNamedVariableList, getDomainAttributes, the domain download services,
// start, stop, obtainFile, fileOpen..fileDirectory, informationReport, conclude, cancel
const SERVICES = bits(85, 0, 1, 2, 4, 5, 6, 11, 12, 13, 26, 27, 28, 37, 40, 41, 46, 72, 73, 74, 75, 76, 77, 79, 83, 84);
export const initiateRequest = () => initiate(0xa8, SERVICES);
export const initiateResponse = () => initiate(0xa9, SERVICES);

// ---------------------------------------------------------------- ACSE (ISO 8650-1), presentation (ISO 8823), session (ISO 8327-1)

const MMS_CONTEXT = '1.0.9506.2.3';
/** EXTERNAL { indirect-reference 3 (the MMS presentation context), single-ASN1-type [0] } */
const external = (mmsPdu: Buffer) => tlv(0xbe, tlv(0x28, tlv(0x02, intv(3)), tlv(0xa0, mmsPdu)));
export const aarq = (mmsPdu: Buffer, password?: string) => tlv(0x60,
  tlv(0x80, Buffer.from([0x07, 0x80])), tlv(0xa1, oid(MMS_CONTEXT)), tlv(0xa2, oid('1.3.9999.1')), tlv(0xa3, tlv(0x02, intv(12))),
  tlv(0xa6, oid('1.3.9999.33')), tlv(0xa7, tlv(0x02, intv(33))),
  ...(password ? [tlv(0x8a, Buffer.from([0x07, 0x80])), tlv(0x8b, oidc('2.2.3.1')), tlv(0xac, tlv(0x80, txt(password)))] : []),
  external(mmsPdu));
export const aare = (mmsPdu: Buffer) => tlv(0x61,
  tlv(0x80, Buffer.from([0x07, 0x80])), tlv(0xa1, oid(MMS_CONTEXT)), tlv(0xa2, tlv(0x02, intv(0))), tlv(0xa3, tlv(0xa1, tlv(0x02, intv(0)))),
  tlv(0xa4, oid('1.3.9999.1')), tlv(0xa5, tlv(0x02, intv(12))), external(mmsPdu));
/** fully-encoded-data [APPLICATION 1] with one PDV of context `ctxId`. */
export const fullyEncoded = (ctxId: number, apdu: Buffer) => tlv(0x61, tlv(0x30, tlv(0x02, intv(ctxId)), tlv(0xa0, apdu)));
const SEL = tlv(0x81, Buffer.from([0, 0, 0, 1]));
export const cpType = (acse: Buffer) => tlv(0x31, tlv(0xa0, tlv(0x80, intv(1))), tlv(0xa2,
  SEL, tlv(0x82, Buffer.from([0, 0, 0, 1])),
  tlv(0xa4, tlv(0x30, tlv(0x02, intv(1)), oid('2.2.1.0.1'), tlv(0x30, oid('2.1.1'))), tlv(0x30, tlv(0x02, intv(3)), oid('1.0.9506.2.1'), tlv(0x30, oid('2.1.1')))),
  tlv(0x88, Buffer.from([0x06, 0x00])), fullyEncoded(1, acse)));
export const cpaPpdu = (acse: Buffer) => tlv(0x31, tlv(0xa0, tlv(0x80, intv(1))), tlv(0xa2,
  tlv(0x83, Buffer.from([0, 0, 0, 1])), tlv(0xa5, tlv(0x30, tlv(0x80, intv(0)), tlv(0x81, oidc('2.1.1'))), tlv(0x30, tlv(0x80, intv(0)), tlv(0x81, oidc('2.1.1')))),
  fullyEncoded(1, acse)));

/** A session SPDU: SI, LI, parameters (each [code, value]); LI 0xFF + u16 beyond 254. */
export const spdu = (si: number, ...params: Array<[number, Buffer]>) => {
  const body = Buffer.concat(params.map(([code, v]) => Buffer.concat([Buffer.from([code]), v.length < 255 ? Buffer.from([v.length]) : Buffer.from([0xff, v.length >> 8, v.length & 0xff]), v])));
  return Buffer.concat([Buffer.from([si]), body.length < 255 ? Buffer.from([body.length]) : Buffer.from([0xff, body.length >> 8, body.length & 0xff]), body]);
};
const CONNECT_ITEM: [number, Buffer] = [5, Buffer.from([0x13, 0x01, 0x00, 0x16, 0x01, 0x02])]; // PGI 5: protocol options 0, version 2
export const sessionConnect = (cp: Buffer) => spdu(0x0d, CONNECT_ITEM, [20, Buffer.from([0x00, 0x02])], [51, Buffer.from([0, 1])], [52, Buffer.from([0, 1])], [193, cp]);
export const sessionAccept = (cpa: Buffer) => spdu(0x0e, CONNECT_ITEM, [20, Buffer.from([0x00, 0x02])], [193, cpa]);
/** GIVE TOKENS + DATA TRANSFER, then the presentation user data with the MMS PDU in context 3. */
export const dataTransfer = (mmsPdu: Buffer) => Buffer.concat([Buffer.from([0x01, 0x00, 0x01, 0x00]), fullyEncoded(3, mmsPdu)]);
export const finish = () => spdu(0x09, [193, fullyEncoded(1, tlv(0x62, tlv(0x80, intv(0))))]);
export const disconnect = () => spdu(0x0a, [193, fullyEncoded(1, tlv(0x63, tlv(0x80, intv(0))))]);

/** TPKT + COTP CR (0xE0) or CC (0xD0), TPDU size 1024, the TSAPs IEC 61850 stacks use (0x0001 both ways). */
export function tpktConnect(cc: boolean, dstRef: number, srcRef: number): Buffer {
  const cotp = Buffer.from([cc ? 0xd0 : 0xe0, dstRef >> 8, dstRef & 0xff, srcRef >> 8, srcRef & 0xff, 0x00, 0xc0, 1, 0x0a, 0xc1, 2, 0x00, 0x01, 0xc2, 2, 0x00, 0x01]);
  return Buffer.concat([Buffer.from([3, 0, 0, 5 + cotp.length, cotp.length]), cotp]);
}

// ---------------------------------------------------------------- conversations

const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
const dt = (mmsPdu: Buffer) => tpktDt(dataTransfer(mmsPdu));

const associate = (password?: string): ConversationMessage[] => [
  c(tpktConnect(false, 0x0000, 0x0021)), r(tpktConnect(true, 0x0021, 0x4100)),
  c(tpktDt(sessionConnect(cpType(aarq(initiateRequest(), password))))),
  r(tpktDt(sessionAccept(cpaPpdu(aare(initiateResponse()))))),
];
const release = (): ConversationMessage[] => [
  c(dt(tlv(0x8b, Buffer.alloc(0)))), r(dt(tlv(0x8c, Buffer.alloc(0)))), c(tpktDt(finish())), r(tpktDt(disconnect())),
];

/** Association, identify, getNameList of the domains, read and write of domain variables, a report, release. */
export function browseMessages(): ConversationMessage[] {
  const item = (ln: string) => domainName(LDS[0]!, ln);
  return [
    ...associate('demo-pass'),
    c(dt(confirmedReq(1, 2, null))),
    r(dt(confirmedResp(1, 2, Buffer.concat([tlv(0x80, txt(IED_ID.vendor)), tlv(0x81, txt(IED_ID.model)), tlv(0x82, txt(IED_ID.revision))])))),
    c(dt(confirmedReq(2, 1, Buffer.concat([tlv(0xa0, tlv(0x80, intv(9))), tlv(0xa1, tlv(0x80, Buffer.alloc(0)))])))),
    r(dt(confirmedResp(2, 1, Buffer.concat([tlv(0xa0, ...LDS.map(vis)), tlv(0x81, Buffer.from([0x00]))])))),
    c(dt(confirmedReq(3, 4, tlv(0xa1, listOfVariable(item('LLN0$ST$Mod$stVal'), item('LPHD1$DC$PhyNam$serNum')))))),
    r(dt(confirmedResp(3, 4, tlv(0xa1, tlv(0x85, intv(1)), tlv(0x8a, txt('DR7K-000123')))))),
    c(dt(confirmedReq(4, 5, Buffer.concat([listOfVariable(domainName(LDS[2]!, 'CSWI1$CO$Pos$Oper')), tlv(0xa0, tlv(0xa2, tlv(0x83, Buffer.from([0xff]))))])))),
    r(dt(confirmedResp(4, 5, tlv(0x81, Buffer.alloc(0))))),
    r(dt(tlv(0xa3, tlv(0xa0, tlv(0xa1, tlv(0x80, txt('RPT'))), tlv(0xa0, tlv(0x8a, txt(`${LDS[1]}/LLN0$BR$brcbTrips01`)), tlv(0x84, Buffer.from([0x06, 0x40, 0x00])), tlv(0x83, Buffer.from([0x01]))))))),
    ...release(),
  ];
}

/** Program control: stop, a domain download (the IED pulls the segments), an obtainFile, a refused delete, a reject, start. */
export function programMessages(): ConversationMessage[] {
  const dom = 'DEMOIEDPROG';
  return [
    ...associate(),
    c(dt(confirmedReq(10, 41, tlv(0x80, txt('MainApplication'))))), r(dt(confirmedResp(10, 41, null))),
    c(dt(confirmedReq(11, 26, Buffer.concat([tlv(0x80, txt(dom)), tlv(0xa1, vis('DR7K-CFG')), tlv(0x82, Buffer.from([0x00]))])))),
    r(dt(confirmedResp(11, 26, null))),
    r(dt(confirmedReqPrim(1, 27, txt(dom)))),
    c(dt(confirmedResp(1, 27, Buffer.concat([tlv(0x80, Buffer.alloc(48, 0x5a)), tlv(0x81, Buffer.from([0x00]))])))),
    r(dt(confirmedReq(2, 28, tlv(0x80, txt(dom))))), c(dt(confirmedResp(2, 28, null))),
    c(dt(confirmedReq(12, 46, Buffer.concat([tlv(0xa1, tlv(0x19, txt('fw/DR7K-2.15.0.bin'))), tlv(0xa2, tlv(0x19, txt('/flash/firmware.bin')))])))),
    r(dt(confirmedResp(12, 46, null))),
    c(dt(confirmedReqPrim(13, 36, txt('DEMOIEDLD0')))), r(dt(confirmedError(13, 2, 1))),
    c(dt(confirmedReq(14, 83, tlv(0x80, txt('x'))))), r(dt(tlv(0xa4, tlv(0x80, intv(14)), tlv(0x81, intv(1))))),
    c(dt(confirmedReq(15, 40, tlv(0x80, txt('MainApplication'))))), r(dt(confirmedResp(15, 40, null))),
    ...release(),
  ];
}

/** Malformed: session and presentation garbage, truncated and over-deep MMS: anomalies, no MMS PDU. */
export function malformedMessages(): ConversationMessage[] {
  let deep = tlv(0x85, intv(1));
  for (let i = 0; i < 40; i++) deep = tlv(0xa2, deep);
  const read = confirmedReq(7, 4, tlv(0xa1, listOfVariable(domainName(LDS[0]!, 'LLN0$ST$Mod'))));
  return [
    c(tpktDt(Buffer.from([0x0d, 0x40, 0x05, 0x06, 0x13, 0x01, 0x00]))),                 // CONNECT whose LI runs past the TSDU
    c(tpktDt(dataTransfer(read).subarray(0, 20))),                                      // GT+DT, user data cut short
    c(tpktDt(read.subarray(0, 12))),                                                    // bare MMS cut short
    c(tpktDt(dataTransfer(tlv(0xae, Buffer.alloc(0))))),                                // [14]: not an MMSpdu alternative
    c(tpktDt(Buffer.from('ZZ not a session SPDU', 'latin1'))),                          // on an MMS connection: unknown SPDU
    c(tpktDt(dataTransfer(deep))),                                                      // nested 41 deep
    c(tpktDt(Buffer.from([0x01, 0x00, 0x01, 0x00, 0x30, 0x03, 0x02, 0x01, 0x01]))),   // DT whose user data is not User-data
  ];
}

function write(name: string, conv: ReturnType<typeof tcpConversation>): void {
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('associate-browse-report.pcap', tcpConversation({ client: CLIENT, server: IED, startNs: T0, rng: new Rng(610), clientIsn: 0x61000000, serverIsn: 0x61100000, messages: browseMessages() }));
  write('program-control-download.pcap', tcpConversation({ client: { ...CLIENT, port: 49501 }, server: IED, startNs: T0 + 60n * S, rng: new Rng(611), clientIsn: 0x61010000, serverIsn: 0x61110000, messages: programMessages() }));
  write('malformed-session.pcap', tcpConversation({ client: { ...CLIENT, port: 49502 }, server: IED, startNs: T0 + 120n * S, rng: new Rng(612), clientIsn: 0x61020000, serverIsn: 0x61120000, messages: malformedMessages() }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
