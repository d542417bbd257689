// Anomaly: scans and spoofing (issue 6; spec §4.2 thresholds, kept in settings): address scans (one
// source reaching many addresses of one class-B subnet), port scans, ARP sweeps, ARP replies that
// claim an address another MAC sends from, PLC scans (identification requests to many controllers, or
// a sweep of function codes the controller refuses), and failed-login bursts.
import type { Packet } from '../../../decode/packet.js';
import { macToString } from '../../../decode/packet.js';
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import type { Flow } from '../../../flows/flow.js';
import { ipv4Text } from '../../inventory/addresses.js';
import { addr, type DetectionContext, endpointsOf, laterInFlow, protocolName, type Rule } from '../rule.js';
import { CountWindows, DistinctWindows } from './windows.js';

/** Failed sign-ins: FTP 530 (RFC 959), HTTP 401 (RFC 9110 §15.5.2), MQTT CONNACK refusals, Telnet "Login incorrect". */
function loginFailed(p: AppPdu): boolean {
  if (p.role !== 'response') return false;
  switch (p.proto) {
    case 'ftp': return p.functionCode === 530;
    case 'http': return p.functionCode === 401;
    case 'mqtt': return p.kind === 'connack' && typeof p.returnCode === 'number' && p.returnCode !== 0;
    case 'opcua': return p.functionName === 'ActivateSessionResponse' && p.exception !== undefined;
    case 'telnet': return p.loginFailed === true;
    default: return false;
  }
}

const IDENTIFY = /identity|identification|szl|identify|report_server_id|list_identity|get_attribute_all/;
/** IDENTIFY per PDU kind, remembered: kinds are a small fixed vocabulary, the test runs per request */
const identifyKinds = new Map<string, boolean>();
function identifies(kind: string): boolean {
  let r = identifyKinds.get(kind);
  if (r === undefined && identifyKinds.size < 10_000) identifyKinds.set(kind, (r = IDENTIFY.test(kind)));
  return r ?? IDENTIFY.test(kind);
}

export function scansRule(): Rule {
  const subnets = new DistinctWindows();
  const ports = new DistinctWindows();
  const arp = new DistinctWindows();
  const plcs = new DistinctWindows();
  const codes = new DistinctWindows();
  const logins = new CountWindows();
  // who uses an address: the MAC its IPv4 traffic comes from, else the first MAC that claimed it in ARP
  const ipMac = new Map<number, string>();
  const arpMac = new Map<number, string>();
  return {
    name: 'scans',
    protos: ['modbus', 'dnp3', 's7comm', 'enip', 'cip', 'bacnet', 'iec104', 'mms', 'opcua', 'fins', 'srtp', 'ftp', 'http', 'mqtt', 'telnet'],
    flowStart(flow: Flow, ctx: DetectionContext) {
      const s = ctx.settings;
      const ts = flow.firstTs;
      // numbers for IPv4 (client; class-B subnet; server), texts for IPv6; strings only to raise
      const v4 = flow.ipVersion === 4;
      const c: string | number = v4 ? flow.clientIp4 : flow.clientIp6;
      const dst: string | number = v4 ? flow.serverIp4 : flow.serverIp6;
      const subnet: string | number = v4 ? flow.serverIp4 >>> 16 : flow.serverIp6.slice(0, flow.serverIp6.lastIndexOf(':'));
      if (subnets.add(c, dst, ts, s.addressScanWindowSeconds * 1e6, subnet) === s.addressScanTargets) {
        const net = v4 ? `${flow.serverIp4 >>> 24}.${(flow.serverIp4 >>> 16) & 255}` : String(subnet);
        ctx.raise('Address Scan Detected', ts, { ip: flow.clientIp, mac: null }, null, `Address scan detected.\nScanning address: ${flow.clientIp}\nScanned subnet: ${net}.0.0/16\n${s.addressScanTargets} addresses were contacted within ${s.addressScanWindowSeconds / 60} minutes.`, { key: net });
      }
      if ((flow.proto === 6 || flow.proto === 17) && ports.add(c, flow.serverPort, ts, s.portScanWindowSeconds * 1e6, dst) === s.portScanPorts) {
        ctx.raise('Port Scan Detected', ts, { ip: flow.clientIp, mac: null }, { ip: flow.serverIp, mac: null }, `Port scan detected.\nScanning address: ${flow.clientIp}\nScanned address: ${flow.serverIp}\n${s.portScanPorts} ports were probed within ${s.portScanWindowSeconds / 60} minutes.`, { protocol: flow.proto === 6 ? 'TCP' : 'UDP' });
      }
    },
    packet(pkt: Packet, flow: Flow | null, dir: Direction, ctx: DetectionContext) {
      if (pkt.ipVersion === 4) {
        if (pkt.srcMacOff >= 0 && !laterInFlow(flow, dir) && !ipMac.has(pkt.src4) && ipMac.size < 1_000_000) ipMac.set(pkt.src4, macToString(pkt.frameBuf, pkt.srcMacOff));
        return;
      }
      if (pkt.arpOff < 0) return;
      const b = pkt.frameBuf, o = pkt.arpOff;
      if (o + 28 > b.length || b.readUInt16BE(o) !== 1 || b.readUInt16BE(o + 2) !== 0x0800) return; // Ethernet/IPv4 ARP only (RFC 826)
      const senderMac = macToString(b, o + 8);
      const senderIp = b.readUInt32BE(o + 14);
      const targetIp = b.readUInt32BE(o + 24);
      const s = ctx.settings;
      const ts = pkt.ts;
      if (pkt.arpOp === 1 && senderIp !== targetIp && senderIp !== 0) {
        if (arp.add(senderMac, targetIp, ts, s.arpScanWindowSeconds * 1e6) === s.arpScanTargets) {
          ctx.raise('ARP Address Scan Detected', ts, { ip: ipv4Text(senderIp), mac: senderMac }, null, `ARP address scan detected.\nScanning address: ${ipv4Text(senderIp)} (${senderMac})\n${s.arpScanTargets} addresses were asked for within ${s.arpScanWindowSeconds / 60} minutes.`, { protocol: 'ARP' });
          ctx.event(ts, 'SCAN', `ARP scan from ${ipv4Text(senderIp)} (${senderMac})`);
        }
      }
      if (senderIp === 0) return;
      // a reply (or announcement) claiming an address that another MAC sends its traffic from
      const owner = ipMac.get(senderIp) ?? arpMac.get(senderIp);
      if (owner === undefined) { if (arpMac.size < 1_000_000) arpMac.set(senderIp, senderMac); return; }
      if (owner !== senderMac && pkt.arpOp === 2) {
        ctx.raise('ARP Spoofing', ts, { ip: ipv4Text(senderIp), mac: senderMac }, null, `The device ${senderMac} answered ARP for ${ipv4Text(senderIp)}, an address the device ${owner} uses: an IP/MAC conflict or ARP spoofing.`, { protocol: 'ARP', key: ipv4Text(senderIp) });
      }
    },
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      const s = ctx.settings;
      if (loginFailed(p)) {
        const [server, client] = endpointsOf(p, flow, dir);
        // counted per protocol: an HTTP 401 and an FTP 530 are attempts at different accounts
        const n = logins.add(`${addr(client)}>${addr(server)}>${p.proto}`, ts, s.loginWindowSeconds * 1e6);
        const proto = protocolName(p.proto);
        if (p.proto === 'ftp' && n === 1) ctx.event(ts, 'FTP_AUTHENTICATION_FAILURE', `FTP sign-in from ${addr(client)} to ${addr(server)} failed`);
        if (p.proto === 'ftp' && n === 2) ctx.raise('FTP Login Failed', ts, client, server, `Failed FTP sign-in attempts from ${addr(client)} to ${addr(server)}.`, { protocol: proto });
        if (n === s.loginAttempts) ctx.raise('Excessive Login Attempts', ts, client, server, `${n} failed sign-in attempts from ${addr(client)} to ${addr(server)} over ${proto} within ${s.loginWindowSeconds} seconds: a possible brute-force attack.`, { protocol: proto });
        if (n === Math.max(100, s.loginAttempts * 5)) ctx.raise('Password Guessing Attempt Detected', ts, client, server, `${n} failed sign-in attempts from ${addr(client)} to ${addr(server)} over ${proto}: password guessing.`, { protocol: proto });
        return;
      }
      if (!flow) return;
      if (p.role === 'request' && identifies(p.kind)) {
        if (plcs.add(flow.clientIp, flow.serverIp, ts, s.plcScanWindowSeconds * 1e6) === s.plcScanCodes) {
          ctx.raise('PLC Scan Detected', ts, { ip: flow.clientIp, mac: null }, null, `PLC scan detected: ${flow.clientIp} sent identification requests to ${s.plcScanCodes} controllers within ${s.plcScanWindowSeconds / 60} minutes.`, { protocol: protocolName(p.proto), key: 'identify' });
          ctx.event(ts, 'SCAN', `PLC scan from ${flow.clientIp}`);
        }
      }
      // a function-code sweep: codes the server refuses as illegal, or that no specification defines
      const refused = (p.role === 'response' && p.exception?.code === 1 && p.proto === 'modbus') ||
        (p.role === 'request' && (p.kind === 'unknown_request' || p.kind === 'user_defined_request' || p.kind === 'unknown'));
      if (refused && typeof p.functionCode === 'number' &&
        codes.add(`${flow.clientIp}>${flow.serverIp}`, p.functionCode, ts, s.plcScanWindowSeconds * 1e6, p.proto) === s.plcScanCodes) {
        ctx.raise('PLC Scan Detected', ts, { ip: flow.clientIp, mac: null }, { ip: flow.serverIp, mac: null }, `Function code scan detected: ${flow.clientIp} tried ${s.plcScanCodes} function codes ${flow.serverIp} does not implement within ${s.plcScanWindowSeconds / 60} minutes (${protocolName(p.proto)}).`, { protocol: protocolName(p.proto), key: 'function-codes' });
        ctx.event(ts, 'SCAN', `Function code scan from ${flow.clientIp} to ${flow.serverIp}`);
      }
    },
  };
}
