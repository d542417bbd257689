// A flow: every packet of one conversation (TCP/UDP 5-tuple, or protocol + address pair for ICMP
// and other IP protocols), both directions, with the client and server decided once, at its first
// packet, and never flipped.
import { ipv4ToString } from '../decode/packet.js';
import type { Direction, Dissector } from '../decode/types.js';
import type { TcpStream } from './tcp-stream.js';

/**
 * The application protocol a flow is pinned to, and its per-flow state. Made for every flow on a
 * bound port, and a flow lives for its idle timeout (60 s for UDP), so tens of thousands are alive at
 * once: it holds only what differs per flow. Where its PDUs go is the sensor's (one sink per
 * direction for every flow), not a pair of closures per flow, which was the largest survivor in the
 * bench/ingest allocation profile.
 */
export interface FlowApp {
  dissector: Dissector;
  index: number;
  state: unknown;
  /** TCP: the reassembly of each direction (0 client->server, 1 server->client); null for datagrams */
  stream0: TcpStream | null;
  stream1: TcpStream | null;
  /** the dissector threw on this flow: it is off for the rest of it */
  disabled: boolean;
  /** the proto id of the flow's last PDU and its registry index, so counting a PDU is no lookup */
  pduProto: string;
  pduIndex: number;
}

let slotCount = 0;

/**
 * A slot in every flow's `notes` for one analyzer's per-flow state, taken once at module load. Notes
 * are an array indexed by slot, not an object keyed by name: with names, each analyzer added its key
 * the first time it met a flow, in an order that varied from flow to flow, and every read of a note
 * became a megamorphic property lookup (it showed in the bench/ingest profile of every rule).
 */
export function noteSlot(): number {
  return slotCount++;
}

export class Flow {
  /** 1, 2, 3... in order of first packet: deterministic for a given capture */
  readonly id: number;
  readonly proto: number;
  readonly ipVersion: 4 | 6;
  readonly clientIp4: number;
  readonly serverIp4: number;
  readonly clientIp6: string;
  readonly serverIp6: string;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly firstTs: number;
  lastTs: number;
  packets0 = 0;
  packets1 = 0;
  bytes0 = 0;
  bytes1 = 0;
  /** TCP flags seen per direction (OR of all) */
  flags0 = 0;
  flags1 = 0;
  /** capture time the connection closed (FIN both ways or RST); 0 while open */
  closedTs = 0;
  /** the first packet had no SYN: the capture started mid-connection */
  midstream = false;
  /** the direction of the flow's first packet: who spoke first (0 the client, 1 the server) */
  firstDir: Direction = 0;
  /** TCP initial sequence numbers per direction, from the SYNs; -1 when not seen */
  isn0 = -1;
  isn1 = -1;
  app: FlowApp | null = null;
  /** probing for an application protocol on an unbound port: payload packets left to try */
  probesLeft = 0;
  /** next flow in the same hash bucket */
  nextInBucket: Flow | null = null;
  /** neighbours in the flow table's idle list (least recently active first) */
  idlePrev: Flow | null = null;
  idleNext: Flow | null = null;
  /** which idle list it is on (FlowTable's timeout class) */
  idleClass = -1;
  /** IPv6 only: its two keys in the table */
  keys6: [string, string] | null = null;
  /** free for analyzers: the per-flow state they keep, one slot each (noteSlot()) */
  readonly notes: unknown[] = new Array<unknown>(slotCount).fill(undefined);

  constructor(id: number, proto: number, version: 4 | 6, cIp4: number, sIp4: number, cIp6: string, sIp6: string, cPort: number, sPort: number, ts: number) {
    this.id = id;
    this.proto = proto;
    this.ipVersion = version;
    this.clientIp4 = cIp4;
    this.serverIp4 = sIp4;
    this.clientIp6 = cIp6;
    this.serverIp6 = sIp6;
    this.clientPort = cPort;
    this.serverPort = sPort;
    this.firstTs = ts;
    this.lastTs = ts;
  }

  // the dotted texts, made on first use: analyzers ask for them on every PDU of a flow
  private clientText: string | null = null;
  private serverText: string | null = null;

  get clientIp(): string {
    if (this.ipVersion === 6) return this.clientIp6;
    return this.clientText ??= ipv4ToString(this.clientIp4);
  }

  get serverIp(): string {
    if (this.ipVersion === 6) return this.serverIp6;
    return this.serverText ??= ipv4ToString(this.serverIp4);
  }

  get packets(): number {
    return this.packets0 + this.packets1;
  }

  /** "tcp 10.0.0.1:49152 > 10.0.0.2:502" — for logs and goldens */
  describe(): string {
    const p = this.proto === 6 ? 'tcp' : this.proto === 17 ? 'udp' : this.proto === 1 ? 'icmp' : this.proto === 58 ? 'icmpv6' : `ip-proto-${this.proto}`;
    const port = (n: number) => (this.proto === 6 || this.proto === 17 ? `:${n}` : '');
    const ip = (s: string) => (this.ipVersion === 6 ? `[${s}]` : s);
    return `${p} ${ip(this.clientIp)}${port(this.clientPort)} > ${ip(this.serverIp)}${port(this.serverPort)}`;
  }

  count(dir: Direction, bytes: number, ts: number): void {
    if (dir === 0) { this.packets0++; this.bytes0 += bytes; } else { this.packets1++; this.bytes1 += bytes; }
    if (ts > this.lastTs) this.lastTs = ts;
  }
}
