// Omron FINS (Factory Interface Network Service), the command protocol of CS/CJ/CP/NJ-series
// controllers, on port 9600 (W342 §5; CJ1W-ETN21 manual §7): a FINS frame is a whole UDP datagram,
// or follows a 16-byte FINS/TCP header on a TCP stream. Two registered objects share the frame
// decoder because a flow takes one dissector per table:
// - `fins`: UDP 9600, one frame per datagram;
// - `finstcp`: TCP 9600, a stream framed by the FINS/TCP length; its PDUs are `fins` too, and it
//   raises the `fins.*` anomalies (so it declares none under its own id), as dnp3udp does for DNP3.
//
// The frame header and SID pairing are in frame.ts, command parameters in requests.ts, response
// data in responses.ts, FINS/TCP in tcp.ts, the code tables in codes.ts.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { DatagramDissector, StreamDissector } from '../../decode/types.js';
import { decodeFrame, type FinsState, newFinsState, probeFrame } from './frame.js';
import { decodeTcp, frameTcp, MAX_LENGTH, probeTcp } from './tcp.js';

export { COMMANDS as finsCommands } from './codes.js';
export type { FinsState } from './frame.js';

export const FINS_PORT = 9600;

const ANOMALY_IDS = [
  'fins.truncated', 'fins.bad_header', 'fins.unknown_command', 'fins.command_mismatch', 'fins.length_mismatch',
  'fins.too_many_items', 'fins.unknown_tcp_command', 'fins.bad_tcp_length',
] as const satisfies readonly AnomalyId[];

/** FINS/UDP: each datagram is one FINS frame. */
export const fins: DatagramDissector<FinsState> = {
  id: 'fins',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: FINS_PORT }],
  anomalies: ANOMALY_IDS,
  probe: (data) => probeFrame(data),
  decode: (payload, dir, state, out) => decodeFrame(payload, dir, state ?? newFinsState(), out),
  newState: newFinsState,
};

/** FINS/TCP: header + (for frame send) a FINS frame per framed PDU. */
export const finstcp: StreamDissector<FinsState> = {
  id: 'finstcp',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: FINS_PORT }],
  anomalies: [],
  maxPdu: 8 + MAX_LENGTH,
  probe: (data) => probeTcp(data),
  frame: (data) => frameTcp(data),
  decode: (pdu, dir, state, out) => decodeTcp(pdu, dir, state ?? newFinsState(), out),
  newState: newFinsState,
};
