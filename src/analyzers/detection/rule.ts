// The contract between the detection analyzer and its rules (issue 6). A rule watches PDUs, packets,
// flows or anomalies and calls the context to raise alerts, add timeline events or learn the
// baseline. Rules keep their own bounded state; they never see the store (architecture rule 1).
import type { AnomalyId } from '../../decode/anomalies.js';
import type { Packet } from '../../decode/packet.js';
import type { AppPdu } from '../../decode/pdu.js';
import type { Direction } from '../../decode/types.js';
import type { Flow } from '../../flows/flow.js';
import type { PacketBatch } from '../../sources/source.js';
import type { Settings } from '../../store/config-schema.js';
import type { Endpoint } from './types.js';

export type DetectionSettings = Settings['detection'];

export interface RaiseOptions {
  protocol?: string | null;
  info?: { description: string; information: string[] } | null;
  /** what tells this condition from others with the same title and endpoints */
  key?: string;
  /** baseline entries that, once learned, stop this alert */
  learn?: string[];
}

export interface DetectionContext {
  readonly settings: DetectionSettings;
  /** learning mode at capture time `ts` (µs): Policy alerts are held back and what is seen is learned */
  learning(ts: number): boolean;
  /** is this entry in the baseline (learned earlier, or during this run's learning)? */
  known(entry: string): boolean;
  /** adds an entry to the baseline (only takes effect while learning, or from an operator) */
  learn(entry: string): void;
  /** raises an alert: `title` must be a catalog title */
  raise(title: string, ts: number, src: Endpoint | null, dst: Endpoint | null, message: string, opts?: RaiseOptions): void;
  /** adds a timeline event of a §3 type */
  event(ts: number, type: string, content: string): void;
}

export interface Rule {
  readonly name: string;
  /** the PDU protocols (dissector ids) its pdu() wants; absent = every PDU */
  readonly protos?: readonly string[];
  pdu?(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext): void;
  packet?(pkt: Packet, flow: Flow | null, dir: Direction, ctx: DetectionContext): void;
  /** before the packets of a batch (Analyzer.batch) */
  batch?(batch: PacketBatch): void;
  flowStart?(flow: Flow, ctx: DetectionContext): void;
  anomaly?(id: AnomalyId, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext): void;
  finish?(ctx: DetectionContext): void;
}

/** The sender and receiver of a PDU: on a flow by direction, at layer 2 by the frame's MACs. */
export function endpointsOf(p: { readonly [field: string]: unknown }, flow: Flow | null, dir: Direction): [Endpoint, Endpoint] {
  if (flow) {
    const c: Endpoint = { ip: flow.clientIp, mac: null };
    const s: Endpoint = { ip: flow.serverIp, mac: null };
    return dir === 0 ? [c, s] : [s, c];
  }
  return [{ ip: null, mac: (p.srcMac as string) ?? null }, { ip: null, mac: (p.dstMac as string) ?? null }];
}

/**
 * Not the first packet of its flow in this direction: its sender (the same address as on that first
 * packet) was seen already, so per-sender bookkeeping can skip it (the sensor counts the packet on
 * its flow before the analyzers see it).
 */
export function laterInFlow(flow: Flow | null, dir: Direction): boolean {
  return flow !== null && (dir === 0 ? flow.packets0 : flow.packets1) > 1;
}

/** An endpoint as text: its IP, else its MAC. */
export function addr(e: Endpoint | null): string {
  return e ? e.ip ?? e.mac ?? '' : '';
}

/** Display names for the CEF `protocol=` field and messages. */
export const PROTOCOL_NAMES: Record<string, string> = {
  modbus: 'Modbus', dnp3: 'DNP3', s7comm: 'S7', s7commplus: 'S7 Plus', enip: 'EtherNet/IP', cip: 'CIP', bacnet: 'BACnet',
  iec104: 'IEC 60870-5-104', opcua: 'OPC UA', pndcp: 'Profinet DCP', goose: 'GOOSE', mms: 'MMS', mqtt: 'MQTT',
  snmp: 'SNMP', http: 'HTTP', ftp: 'FTP', telnet: 'Telnet', ssh: 'SSH', dns: 'DNS', dhcp: 'DHCP', arp: 'ARP', lldp: 'LLDP',
  cdp: 'CDP', fins: 'Omron FINS', srtp: 'GE SRTP', tls: 'TLS', nbns: 'NetBIOS Name Service', llmnr: 'LLMNR', mdns: 'mDNS',
};

export function protocolName(id: string): string {
  return PROTOCOL_NAMES[id] ?? id.toUpperCase();
}
