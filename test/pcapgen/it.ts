// Writes the IT-protocol captures in pcaps/http/, pcaps/tls/, pcaps/ssh/, pcaps/ftp/,
// pcaps/telnet/ (run: npx tsx test/pcapgen/it.ts).
// Deterministic (seeded Rng, fixed times); addresses are private (10.80.0.0/24), MACs locally
// administered. Messages are built from the RFCs' grammars: RFC 9112 (HTTP/1.1 messages), RFC 8446
// §4.1.2-§4.1.3 (ClientHello/ServerHello) with RFC 6066 §3 server_name and RFC 7301 ALPN, RFC 4253
// §4.2 and §6 (SSH identification lines, cleartext binary packets), RFC 959 §4-§5 (FTP control lines),
// RFC 854/855 (Telnet text with IAC option negotiation).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_326_400n * S; // 2024-01-04T00:00:00Z

export const HMI: Endpoint = { mac: '02:00:00:80:00:0a', ip: '10.80.0.10', port: 50210 };
export const WEB: Endpoint = { mac: '02:00:00:80:00:14', ip: '10.80.0.20', port: 80 };

const u16 = (n: number) => [n >> 8, n & 0xff];
const u24 = (n: number) => [n >> 16, (n >> 8) & 0xff, n & 0xff];
const vec16 = (b: number[]) => [...u16(b.length), ...b];
const vec8 = (b: number[]) => [b.length, ...b];
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

/** A TLS record (RFC 8446 §5.1). */
export const record = (type: number, body: number[], version = 0x0301) => Buffer.from([type, ...u16(version), ...u16(body.length), ...body]);
const handshake = (msgType: number, body: number[]) => [msgType, ...u24(body.length), ...body];
const ext = (type: number, body: number[]) => [...u16(type), ...vec16(body)];

/** ClientHello (§4.1.2) offering TLS 1.3 and 1.2, with server_name and ALPN. */
export function clientHello(sni: string, alpn: string[] = ['http/1.1']): Buffer {
  const random = Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
  const exts = [
    ...ext(0, vec16([0, ...vec16(ascii(sni))])),
    ...ext(16, vec16(alpn.flatMap((a) => vec8(ascii(a))))),
    ...ext(43, vec8([0x03, 0x04, 0x03, 0x03])),
  ];
  const body = [0x03, 0x03, ...random, ...vec8([]), ...vec16([0x13, 0x01, 0xc0, 0x2f]), ...vec8([0]), ...vec16(exts)];
  return record(22, handshake(1, body));
}

/** ServerHello (§4.1.3) choosing `suite`; TLS 1.3 is announced by supported_versions. */
export function serverHello(suite: number, tls13: boolean): Buffer {
  const random = Array.from({ length: 32 }, (_, i) => (i * 11 + 5) & 0xff);
  const exts = tls13 ? ext(43, u16(0x0304)) : [];
  const body = [0x03, 0x03, ...random, ...vec8([]), ...u16(suite), 0, ...vec16(exts)];
  return record(22, handshake(2, body), 0x0303);
}

const text = (s: string) => Buffer.from(s, 'latin1');

/** A cleartext SSH binary packet (RFC 4253 §6): padding fills the packet to a multiple of 8, at least 4. */
export function sshPacket(payload: number[]): Buffer {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const len = 1 + payload.length + pad;
  return Buffer.from([...u16(0), ...u16(len), pad, ...payload, ...Array.from({ length: pad }, () => 0)]);
}

function write(dir: string, name: string, conv: ReturnType<typeof tcpConversation>): void {
  mkdirSync(OUT + dir, { recursive: true });
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(`${OUT}${dir}/${name}`, w.bytes);
}

const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });

export function main(): void {
  // HTTP: an HMI reads a status page, then writes a setpoint with Basic credentials (admin/admin).
  write('http', 'basic-auth.pcap', tcpConversation({
    client: HMI, server: WEB, startNs: T0, rng: new Rng(80), clientIsn: 0x08000000, serverIsn: 0x18000000, close: true,
    messages: [
      c(text('GET /status.html HTTP/1.1\r\nHost: 10.80.0.20\r\nUser-Agent: hmi-panel/3.2\r\n\r\n')),
      r(text('HTTP/1.1 200 OK\r\nServer: GoAhead-Webs/2.5.0\r\nContent-Type: text/html\r\nContent-Length: 14\r\n\r\n<p>running</p>')),
      c(text('POST /goform/setpoint HTTP/1.1\r\nHost: 10.80.0.20\r\nUser-Agent: hmi-panel/3.2\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\nContent-Length: 7\r\n\r\nsp=42.5')),
      r(text('HTTP/1.1 200 OK\r\nServer: GoAhead-Webs/2.5.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')),
    ],
  }));
  // Negative: binary bytes on port 80 are not HTTP (the sensor must not invent PDUs).
  write('http', 'not-http-on-80.pcap', tcpConversation({
    client: { ...HMI, port: 50211 }, server: WEB, startNs: T0 + 10n * S, rng: new Rng(81), clientIsn: 0x08100000, serverIsn: 0x18100000, close: true,
    messages: [c(Buffer.from([0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0a]))],
  }));
  // TLS: ClientHello with SNI and ALPN, ServerHello choosing TLS 1.3, then encrypted records.
  const TLS_SRV: Endpoint = { mac: '02:00:00:80:00:1e', ip: '10.80.0.30', port: 443 };
  write('tls', 'client-hello-sni.pcap', tcpConversation({
    client: { ...HMI, port: 50220 }, server: TLS_SRV, startNs: T0 + 20n * S, rng: new Rng(443), clientIsn: 0x04430000, serverIsn: 0x14430000, close: true,
    messages: [
      c(clientHello('historian.plant.local', ['h2', 'http/1.1'])),
      r(Buffer.concat([serverHello(0x1301, true), record(20, [1], 0x0303), record(23, Array.from({ length: 40 }, (_, i) => i), 0x0303)])),
      c(Buffer.concat([record(20, [1], 0x0303), record(23, Array.from({ length: 60 }, (_, i) => 255 - i), 0x0303)])),
    ],
  }));
  // Negative: plain text on 443 is not TLS.
  write('tls', 'not-tls-on-443.pcap', tcpConversation({
    client: { ...HMI, port: 50221 }, server: TLS_SRV, startNs: T0 + 30n * S, rng: new Rng(444), clientIsn: 0x04440000, serverIsn: 0x14440000, close: true,
    messages: [c(text('hello there\r\n'))],
  }));
  // SSH: both identification lines, KEXINIT (an empty-list stand-in: payload 20 + cookie), NEWKEYS, then ciphertext.
  const SSH_SRV: Endpoint = { mac: '02:00:00:80:00:28', ip: '10.80.0.40', port: 22 };
  const kexinit = sshPacket([20, ...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 10 }, () => [0, 0, 0, 0]).flat(), 0, 0, 0, 0, 0]);
  const cipher = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + seed) & 0xff));
  write('ssh', 'banners.pcap', tcpConversation({
    client: { ...HMI, port: 50230 }, server: SSH_SRV, startNs: T0 + 40n * S, rng: new Rng(22), clientIsn: 0x02200000, serverIsn: 0x12200000, close: true,
    messages: [
      r(text('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n')),
      c(text('SSH-2.0-PuTTY_Release_0.78\r\n')),
      c(kexinit), r(kexinit),
      c(sshPacket([21])), r(sshPacket([21])),
      c(cipher(52, 3)), r(cipher(84, 9)),
    ],
  }));
  // Negative: binary bytes on port 22 without an identification line are not SSH.
  write('ssh', 'not-ssh-on-22.pcap', tcpConversation({
    client: { ...HMI, port: 50231 }, server: SSH_SRV, startNs: T0 + 50n * S, rng: new Rng(23), clientIsn: 0x02300000, serverIsn: 0x12300000, close: true,
    messages: [c(cipher(24, 1))],
  }));
  // FTP: greeting, a failed then a good login (USER/PASS; passwords never kept), a multi-line FEAT, a download and an upload.
  const FTP_SRV: Endpoint = { mac: '02:00:00:80:00:32', ip: '10.80.0.50', port: 21 };
  write('ftp', 'login.pcap', tcpConversation({
    client: { ...HMI, port: 50240 }, server: FTP_SRV, startNs: T0 + 60n * S, rng: new Rng(21), clientIsn: 0x02100000, serverIsn: 0x12100000, close: true,
    messages: [
      r(text('220 ProFTPD 1.3.5e Server (Debian) [10.80.0.50]\r\n')),
      c(text('USER plcadmin\r\n')), r(text('331 Password required for plcadmin\r\n')),
      c(text('PASS wrong\r\n')), r(text('530 Login incorrect.\r\n')),
      c(text('USER plcadmin\r\n')), r(text('331 Password required for plcadmin\r\n')),
      c(text('PASS Pl@nt2024secret\r\n')), r(text('230 User plcadmin logged in\r\n')),
      c(text('FEAT\r\n')), r(text('211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n')),
      c(text('RETR recipe.csv\r\n')), r(text('150 Opening BINARY mode data connection\r\n226 Transfer complete\r\n')),
      c(text('STOR plc_backup.bin\r\n')), r(text('150 Opening BINARY mode data connection\r\n226 Transfer complete\r\n')),
      c(text('QUIT\r\n')), r(text('221 Goodbye.\r\n')),
    ],
  }));
  // Negative: binary bytes on port 21 are not an FTP control channel.
  write('ftp', 'not-ftp-on-21.pcap', tcpConversation({
    client: { ...HMI, port: 50241 }, server: FTP_SRV, startNs: T0 + 70n * S, rng: new Rng(24), clientIsn: 0x02400000, serverIsn: 0x12400000, close: true,
    messages: [r(Buffer.from([0x00, 0x00, 0x00, 0x2c, 0x01, 0x02, 0x03, 0x04]))],
  }));
  // Telnet: negotiation, banner and login prompt, the user name typed a key per segment (echoed), a password (not echoed, never kept).
  const TELNET_SRV: Endpoint = { mac: '02:00:00:80:00:3c', ip: '10.80.0.60', port: 23 };
  const keys = (s: string, echo: boolean) => [...s].flatMap((ch) => (echo ? [c(text(ch)), r(text(ch))] : [c(text(ch))]));
  write('telnet', 'login.pcap', tcpConversation({
    client: { ...HMI, port: 50250 }, server: TELNET_SRV, startNs: T0 + 80n * S, rng: new Rng(23), clientIsn: 0x02500000, serverIsn: 0x12500000, close: true,
    messages: [
      r(Buffer.from([0xff, 0xfd, 0x18, 0xff, 0xfd, 0x1f, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03])),
      c(Buffer.from([0xff, 0xfb, 0x18, 0xff, 0xfc, 0x1f, 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03])),
      r(text('\r\nSCADA-RTU-7 (BusyBox v1.31.1)\r\n\r\nrtu7 login: ')),
      ...keys('operator', true), c(text('\r\n')), r(text('\r\nPassword: ')),
      ...keys('Tr0ub4dor&3', false), c(text('\r\n')),
      r(text('\r\n$ ')), ...keys('exit', true), c(text('\r\n')), r(text('\r\nlogout\r\n')),
    ],
  }));
  // Negative: IAC followed by bytes that are not Telnet commands (a binary protocol on port 23).
  write('telnet', 'not-telnet-on-23.pcap', tcpConversation({
    client: { ...HMI, port: 50251 }, server: TELNET_SRV, startNs: T0 + 90n * S, rng: new Rng(25), clientIsn: 0x02600000, serverIsn: 0x12600000, close: true,
    messages: [r(Buffer.from([0xff, 0x10, 0xff, 0x20]))],
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
