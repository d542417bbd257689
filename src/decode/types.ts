// Contracts between dissectors, the registry and the pipeline (architecture.md "Registration is data").
import type { AnomalyId } from './anomalies.js';
import type { Packet } from './packet.js';

/** Dispatch tables a dissector can bind to. Indices are positions in `TABLES`; new tables are appended. */
export const TABLES = ['linktype', 'ethertype', 'ip.proto', 'tcp.port', 'udp.port', 'llc.sap', 'llc.cisco_pid'] as const;
export type TableName = (typeof TABLES)[number];
export const T_LINKTYPE = 0;
export const T_ETHERTYPE = 1;
export const T_IP_PROTO = 2;
export const T_TCP_PORT = 3;
export const T_UDP_PORT = 4;
/** IEEE 802.2 LLC frames that are not SNAP, by DSAP (e.g. 0x42 spanning tree, 0x82 BACnet, 0xf0 NetBIOS). */
export const T_LLC_SAP = 5;
/** SNAP frames with the Cisco OUI 00-00-0C, by protocol id (0x2000 CDP, 0x2004 DTP, ...). */
export const T_LLC_CISCO_PID = 6;
export const TABLE_SIZE: readonly number[] = [65536, 65536, 256, 65536, 65536, 256, 65536];
/**
 * The `ethertype` value under which an IEEE 802.2 LLC frame is dispatched. Values below 0x0600 are
 * 802.3 lengths, never EtherTypes on the wire; 0x0004 is what Linux calls an 802.2 frame (ETH_P_802_2),
 * the protocol a cooked capture (SLL) gives such frames.
 */
export const ETHERTYPE_LLC = 0x0004;
/** A layer's decode returns this when it decoded and there is no next layer to dispatch. */
export const DONE = -1;
/** ...and this when its header is malformed: the layer is not counted, nothing above it is decoded. */
export const REJECT = -2;

export interface Binding {
  table: TableName;
  value: number;
}

/** Raises an anomaly on the packet being decoded. */
export interface DecodeContext {
  anomaly(pkt: Packet, id: AnomalyId): void;
  /**
   * IPv4/IPv6 fragment reassembly; returns the whole datagram when this fragment completes it.
   * `headerBytes`: what the rebuilt packet holds besides the fragmentable part, counted against the
   * 65,535-byte limit (the IPv4 header; IPv6's per-fragment extension headers).
   */
  reassemble(pkt: Packet, version: 4 | 6, key: string, fragOffset: number, more: boolean, data: Buffer, proto: number, headerBytes: number): Buffer | null;
}

/**
 * A link, network or transport layer (Ethernet, VLAN, IPv4, TCP, ...). `decode` reads
 * `pkt.buf[off, end)`, fills its fields of `pkt`, and returns the index of the table that selects the
 * next layer (setting pkt.nextValue/nextOff/nextEnd), DONE, or REJECT. It never throws on malformed
 * input: it raises an anomaly and returns REJECT. It may keep views into the buffer only inside `pkt`.
 */
export interface LayerDissector {
  readonly id: string;
  readonly kind: 'layer';
  readonly bindings: readonly Binding[];
  /** every anomaly id it may raise (checked by the conformance suite) */
  readonly anomalies: readonly AnomalyId[];
  decode(pkt: Packet, off: number, end: number, ctx: DecodeContext): number;
}

export type Direction = 0 | 1; // 0: client -> server, 1: server -> client
export type ProbeResult = 'yes' | 'no' | 'need-more';

/** A typed protocol data unit: `proto` is the dissector id, `kind` the message type. */
export interface Pdu {
  proto: string;
  kind: string;
  [field: string]: unknown;
}

/** Where a dissector's results go. */
export interface PduSink {
  pdu(p: Pdu): void;
  anomaly(id: AnomalyId): void;
}

/**
 * A protocol carried in a TCP byte stream (Modbus/TCP, S7comm, ...). The flow stage reassembles each
 * direction, asks `frame` for the length of the PDU at the head of the bytes, and hands exactly that
 * PDU to `decode`, so a bad body costs one PDU, never the stream.
 */
export interface StreamDissector<S = unknown> {
  readonly id: string;
  readonly kind: 'stream';
  readonly bindings: readonly Binding[];
  readonly anomalies: readonly AnomalyId[];
  /** The most bytes one PDU may take; a longer frame length means the stream is out of sync. */
  readonly maxPdu: number;
  /** Cheap and never throws: does this look like the protocol? Used on unbound ports and after gaps. */
  probe?(data: Buffer, dir: Direction): ProbeResult;
  /** Length of the PDU at data[0]; 0 when more bytes are needed; -1 when data[0] does not start a PDU. */
  frame(data: Buffer, dir: Direction): number;
  /**
   * Called only after frame() returned -1 on `data`: the protocol's own anomaly id for why (an HTTP
   * head past its bound, a bad chunk size line), reported instead of the framer's generic
   * `stream.desync`; null when the bytes simply are not this protocol.
   */
  refusal?(data: Buffer, dir: Direction): AnomalyId | null;
  decode(pdu: Buffer, dir: Direction, state: S, out: PduSink): void;
  newState?(): S;
}

/** A protocol carried in UDP datagrams or directly in a link-layer frame. */
export interface DatagramDissector<S = unknown> {
  readonly id: string;
  readonly kind: 'datagram';
  readonly bindings: readonly Binding[];
  readonly anomalies: readonly AnomalyId[];
  probe?(data: Buffer, dir: Direction): ProbeResult;
  decode(payload: Buffer, dir: Direction, state: S, out: PduSink): void;
  newState?(): S;
}

export type Dissector = LayerDissector | StreamDissector<any> | DatagramDissector<any>;
