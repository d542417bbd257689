// DNP3 (IEEE 1815-2012) over TCP and UDP port 20000: data link layer (clause 9: start 0x0564, length,
// control, addresses, CRC-16 on the header and on every 16-octet data block), transport function
// (clause 8: FIR/FIN/sequence reassembly) and application layer (clause 4: application control,
// function code, internal indications, object headers). Object headers are walked, point values are
// not decoded: the header list is what inventories and detection rules need, and walking it only takes
// each object's size (Annex A, the object library).
//
// The layers are in ./dnp3/: frame.ts (framing, CRC) and link.ts (clause 9), transport.ts (clause 8),
// application.ts and objects.ts (clause 4), over the code tables of codes.ts.
import type { AnomalyId } from '../decode/anomalies.js';
import type { DatagramDissector, StreamDissector } from '../decode/types.js';
import { crcOk, frameDnp3, HEADER, MAX_FRAME, probeDnp3 } from './dnp3/frame.js';
import { decodeLink } from './dnp3/link.js';
import { newAssembly, type Dnp3State } from './dnp3/transport.js';

export { dnp3FunctionNames } from './dnp3/codes.js';
export { dnp3Crc } from './dnp3/frame.js';
export type { Dnp3Iin, Dnp3Pdu } from './dnp3/application.js';
export type { Dnp3Object } from './dnp3/objects.js';
export type { Dnp3State } from './dnp3/transport.js';

const newState = (): Dnp3State => ({ dirs: [newAssembly(), newAssembly()] });

const ANOMALY_IDS: readonly AnomalyId[] = [
  'dnp3.truncated', 'dnp3.bad_link_crc', 'dnp3.bad_link_length', 'dnp3.no_start_bytes', 'dnp3.transport_sequence',
  'dnp3.fragment_too_long', 'dnp3.malformed_objects', 'dnp3.unknown_object', 'dnp3.too_many_objects', 'dnp3.unknown_function',
];

/** DNP3 over TCP: one link frame per framed PDU, transport reassembly in the flow's state. */
export const dnp3: StreamDissector<Dnp3State> = {
  id: 'dnp3',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 20000 }],
  anomalies: ANOMALY_IDS,
  maxPdu: MAX_FRAME,
  probe: (data) => probeDnp3(data),
  frame: (data) => frameDnp3(data),
  decode: (pdu, dir, state, out) => decodeLink(pdu, dir, state ?? newState(), out),
  newState,
};

/**
 * DNP3 over UDP (IEEE 1815-2012, IP networking annex): a datagram holds one or more whole link
 * frames. A separate object because a flow takes one dissector per table; it reports as proto 'dnp3'
 * and raises the 'dnp3.*' anomalies (so it declares none under its own id).
 */
export const dnp3udp: DatagramDissector<Dnp3State> = {
  id: 'dnp3udp',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: 20000 }],
  anomalies: [],
  probe: (data) => probeDnp3(data),
  decode(payload, dir, state, out) {
    const st = state ?? newState();
    let off = 0;
    while (off < payload.length) {
      const rest = off === 0 ? payload : payload.subarray(off);
      const n = frameDnp3(rest);
      if (n < 0) return out.anomaly('dnp3.no_start_bytes');
      if (n === 0 || n > rest.length) return out.anomaly('dnp3.truncated');
      decodeLink(rest.subarray(0, n), dir, st, out);
      if (n === HEADER && (rest[2]! < 5 || !crcOk(rest, 0, 8))) return; // a bad header: nothing after it is trusted
      off += n;
    }
  },
  newState,
};
