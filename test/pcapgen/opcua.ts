// Writes the OPC UA captures in pcaps/opcua/ (run: npx tsx test/pcapgen/opcua.ts).
// Deterministic (seeded Rng, fixed times); addresses are private (10.48.0.0/24) and MACs locally
// administered. Messages are built field by field from OPC UA Part 6 §7.1 (UA TCP), §6.7 (secure
// conversation) and §5.2 (binary encoding), with the service bodies of Part 4 §5.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/opcua/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_153_600n * S; // 2024-01-02T00:00:00Z

export const CLIENT: Endpoint = { mac: '02:00:00:48:40:01', ip: '10.48.0.10', port: 50110 };
export const SERVER: Endpoint = { mac: '02:00:00:48:40:02', ip: '10.48.0.20', port: 4840 };
export const ALT_PORT = 48010;
export const POLICY_NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';
const CHANNEL = 7, TOKEN = 1;

const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const i32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
const f64 = (v: number) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b; };
/** String (§5.2.2.4): Int32 length, UTF-8; null is -1 */
const str = (s: string | null) => (s === null ? i32(-1) : Buffer.concat([i32(Buffer.byteLength(s)), Buffer.from(s)]));
/** four-byte NodeId (§5.2.2.9 encoding 0x01) in namespace ns */
const nid4 = (id: number, ns = 0) => Buffer.from([0x01, ns, id & 0xff, id >> 8]);
/** DateTime (§5.2.2.5): 100 ns ticks since 1601; a fixed 2024-01-02 value */
const TIME = Buffer.from([0x00, 0x40, 0x8e, 0x1f, 0x3d, 0x3d, 0xda, 0x01]);
const NULL_EXT = Buffer.from([0x00, 0x00, 0x00]); // ExtensionObject with a null type id and no body

/** Message header (§7.1.2.2) around a body. */
function msg(type: string, chunk: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type + chunk, 'latin1'), u32(8 + body.length), body]);
}

export const hello = (url: string) => msg('HEL', 'F', Buffer.concat([u32(0), u32(65536), u32(65536), u32(0), u32(0), str(url)]));
export const acknowledge = () => msg('ACK', 'F', Buffer.concat([u32(0), u32(65536), u32(65536), u32(16777216), u32(0)]));

/** RequestHeader (Part 4 §7.28) with an authentication token (numeric NodeId in ns 1 or null). */
function requestHeader(handle: number, token: number): Buffer {
  const auth = token === 0 ? Buffer.from([0x00, 0x00]) : Buffer.concat([Buffer.from([0x02]), Buffer.from([1, 0]), u32(token)]);
  return Buffer.concat([auth, TIME, u32(handle), u32(0), str(null), u32(10000), NULL_EXT]);
}
/** ResponseHeader (Part 4 §7.29): Good, no diagnostics, empty string table. */
const responseHeader = (handle: number, result = 0) => Buffer.concat([TIME, u32(handle), u32(result), Buffer.from([0x00]), i32(0), NULL_EXT]);

export function opnRequest(seq: number, reqId: number): Buffer {
  const body = Buffer.concat([
    nid4(446), requestHeader(0, 0),
    u32(0), u32(0), u32(1),           // client protocol version, RequestType Issue, SecurityMode None
    str(null), u32(3_600_000),       // client nonce, requested lifetime
  ]);
  return msg('OPN', 'F', Buffer.concat([u32(0), str(POLICY_NONE), str(null), str(null), u32(seq), u32(reqId), body]));
}
export function opnResponse(seq: number, reqId: number): Buffer {
  const body = Buffer.concat([
    nid4(449), responseHeader(0),
    u32(0), u32(CHANNEL), u32(TOKEN), TIME, u32(3_600_000), // server protocol version, SecurityToken
    str(null),                                              // server nonce
  ]);
  return msg('OPN', 'F', Buffer.concat([u32(CHANNEL), str(POLICY_NONE), str(null), str(null), u32(seq), u32(reqId), body]));
}
/** MSG or CLO under the channel's symmetric header (§6.7.2.3) with one service body. */
export function secure(type: 'MSG' | 'CLO', seq: number, reqId: number, service: number, body: Buffer): Buffer {
  return msg(type, 'F', Buffer.concat([u32(CHANNEL), u32(TOKEN), u32(seq), u32(reqId), nid4(service), body]));
}

const SESSION_TOKEN = 0x5e55;

/** A policy-None session: HEL/ACK, OPN, CreateSession, ActivateSession, Read, Browse, CloseSession, CLO. */
export function sessionMessages(url: string): ConversationMessage[] {
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  const appDescription = Buffer.concat([
    str('urn:otsensor:test-client'), str(null), Buffer.from([0x02]), str('test client'), u32(1), // ApplicationType Client
    str(null), str(null), i32(0),
  ]);
  return [
    c(hello(url)), r(acknowledge()),
    c(opnRequest(1, 1)), r(opnResponse(1, 1)),
    c(secure('MSG', 2, 2, 461, Buffer.concat([
      requestHeader(1, 0), appDescription, str(null), str(url), str('session 1'), str(null), str(null), f64(1_200_000), u32(0),
    ]))),
    r(secure('MSG', 2, 2, 464, Buffer.concat([
      responseHeader(1), Buffer.from([0x02, 1, 0]), u32(0x1001), Buffer.from([0x02, 1, 0]), u32(SESSION_TOKEN), f64(1_200_000),
      str(null), str(null), i32(0), i32(0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), u32(0),
    ]))),
    c(secure('MSG', 3, 3, 467, Buffer.concat([
      requestHeader(2, SESSION_TOKEN), str(null), str(null), i32(0), i32(0),
      nid4(321), Buffer.from([0x01]), i32(13), str('anonymous'), // AnonymousIdentityToken in an ExtensionObject
      str(null), str(null),                                      // user token signature
    ]))),
    r(secure('MSG', 3, 3, 470, Buffer.concat([responseHeader(2), str(null), i32(0), i32(0)]))),
    // Read of Server_ServerStatus_State (i=2259), Value attribute
    c(secure('MSG', 4, 4, 631, Buffer.concat([
      requestHeader(3, SESSION_TOKEN), f64(0), u32(2), i32(1), nid4(2259), u32(13), str(null), Buffer.from([0x00, 0x00]), str(null),
    ]))),
    r(secure('MSG', 4, 4, 634, Buffer.concat([responseHeader(3), i32(1), Buffer.from([0x01, 0x06]), i32(0), i32(0)]))),
    // Browse of the Objects folder (i=85)
    c(secure('MSG', 5, 5, 527, Buffer.concat([
      requestHeader(4, SESSION_TOKEN), Buffer.from([0x00, 0x00]), Buffer.alloc(8), u32(0), u32(0),
      i32(1), nid4(85), u32(0), Buffer.from([0x00, 0x21]), Buffer.from([0x01]), u32(0), u32(0x3f),
    ]))),
    r(secure('MSG', 5, 5, 530, Buffer.concat([responseHeader(4), i32(1), u32(0), i32(-1), i32(0), i32(0)]))),
    c(secure('MSG', 6, 6, 473, Buffer.concat([requestHeader(5, SESSION_TOKEN), Buffer.from([0x01])]))),
    r(secure('MSG', 6, 6, 476, responseHeader(5))),
    c(secure('CLO', 7, 7, 452, requestHeader(6, 0))),
  ];
}

function write(name: string, conv: ReturnType<typeof tcpConversation>): void {
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('session.pcap', tcpConversation({
    client: CLIENT, server: SERVER, startNs: T0, rng: new Rng(4840), clientIsn: 0x48400000, serverIsn: 0x48410000,
    messages: sessionMessages('opc.tcp://10.48.0.20:4840'), close: true,
  }));
  // The same session to a server on a port nothing is bound to: only the probe can find it.
  write('non-standard-port.pcap', tcpConversation({
    client: { ...CLIENT, port: 50111 }, server: { ...SERVER, port: ALT_PORT }, startNs: T0 + 30n * S, rng: new Rng(4841),
    clientIsn: 0x48420000, serverIsn: 0x48430000, messages: sessionMessages(`opc.tcp://10.48.0.20:${ALT_PORT}`), close: true,
  }));
  // Negative: a text protocol spoken on 4840: no OPC UA PDUs.
  write('not-opcua.pcap', tcpConversation({
    client: { ...CLIENT, port: 50112 }, server: SERVER, startNs: T0 + 60n * S, rng: new Rng(4842), clientIsn: 0x48440000, serverIsn: 0x48450000, close: true,
    messages: [
      { from: 'client', data: Buffer.from('GET / HTTP/1.1\r\nHost: 10.48.0.20\r\n\r\n') },
      { from: 'server', data: Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') },
    ],
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
