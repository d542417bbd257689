// FINS/TCP (CS/CJ Ethernet Unit operation manual, CJ1W-ETN21, §7-4-2 "FINS/TCP Mode
// Specifications"): every message starts with a 16-byte header, "FINS" (46 49 4E 53), a length that
// counts the bytes after the length field, a command and an error code, all 4-byte big-endian.
// Commands: 0 node address data send client -> server (client node, 0 = allocate one), 1 node
// address data send server -> client (client and server nodes), 2 frame send (a FINS frame,
// 12 to 2,012 bytes, so a length of 20 to 2,020), 3 frame send error notification, 6 connection
// confirmation.
import type { AppPdu } from '../../decode/pdu.js';
import { Truncated } from '../../decode/reader.js';
import type { Direction, PduSink, ProbeResult } from '../../decode/types.js';
import { TCP_COMMANDS, TCP_ERRORS } from './codes.js';
import { decodeFrame, type FinsState } from './frame.js';

export const TCP_HEADER = 16;
/** The largest length field: a frame send carrying a 2,012-byte FINS frame. */
export const MAX_LENGTH = 2020;
/** The smallest: command and error code alone (frame send error notification, connection confirmation). */
const MIN_LENGTH = 8;
const MAGIC = Buffer.from('FINS', 'latin1');

/** Body bytes after the 16-byte header, per command other than frame send. */
const BODY: Readonly<Record<number, number>> = { 0: 4, 1: 8, 3: 0, 6: 0 };

/** Does data start with (a prefix of) "FINS"? */
function magic(data: Buffer): boolean {
  const n = Math.min(data.length, 4);
  for (let i = 0; i < n; i++) if (data[i] !== MAGIC[i]) return false;
  return true;
}

/** Length of the FINS/TCP message at data[0]: 8 + length; 0 when more is needed; -1 if it is not one. */
export function frameTcp(data: Buffer): number {
  if (!magic(data)) return -1;
  if (data.length < 8) return 0;
  const len = data.readUInt32BE(4);
  if (len < MIN_LENGTH) return -1;
  return 8 + len;
}

/** The magic, a length within the manual's range and a defined command: FINS/TCP on any port. */
export function probeTcp(data: Buffer): ProbeResult {
  if (!magic(data)) return 'no';
  if (data.length < TCP_HEADER) return 'need-more';
  const len = data.readUInt32BE(4);
  if (len < MIN_LENGTH || len > MAX_LENGTH) return 'no';
  return TCP_COMMANDS[data.readUInt32BE(8)] ? 'yes' : 'no';
}

/** One framed FINS/TCP message; a frame send hands its FINS frame to decodeFrame. Never throws Truncated. */
export function decodeTcp(buf: Buffer, dir: Direction, state: FinsState, out: PduSink): void {
  try {
    message(buf, dir, state, out);
  } catch (err) {
    // the anomaly is FINS's whichever transport carried it (decodeApp would name it finstcp.truncated)
    if (!(err instanceof Truncated)) throw err;
    out.anomaly('fins.truncated');
  }
}

function message(buf: Buffer, dir: Direction, state: FinsState, out: PduSink): void {
  if (buf.length < TCP_HEADER) throw new Truncated(TCP_HEADER, 0);
  const command = buf.readUInt32BE(8);
  const error = buf.readUInt32BE(12);
  const info = command <= 6 ? TCP_COMMANDS[command] : undefined;
  if (!info) return out.anomaly('fins.unknown_tcp_command');
  // frame send: the error code is not used (§7-4-2), the FINS frame is the rest
  if (command === 2) return decodeFrame(buf.subarray(TCP_HEADER), dir, state, out);

  const body = BODY[command]!;
  if (buf.length < TCP_HEADER + body) throw new Truncated(TCP_HEADER + body, 0);
  const p: AppPdu = {
    proto: 'fins', kind: info.kind, role: command === 0 ? 'request' : command === 1 ? 'response' : 'notify',
    functionCode: command, functionName: info.name, op: 'session',
  };
  if (command === 0) p.clientNode = buf.readUInt32BE(16);
  if (command === 1) {
    p.clientNode = buf.readUInt32BE(16);
    p.serverNode = buf.readUInt32BE(20);
  }
  if (error !== 0) p.exception = { code: error, name: TCP_ERRORS[error] ?? `Error 0x${error.toString(16).padStart(8, '0')}` };
  if (buf.length > TCP_HEADER + body) {
    p.anomalies = ['fins.bad_tcp_length'];
    out.anomaly('fins.bad_tcp_length');
  }
  out.pdu(p);
}
