// One FINS frame (W342 §5-1; CS/CJ Ethernet Units operation manual "FINS Frames"): the 10-byte
// header ICF RSV GCT DNA DA1 DA2 SNA SA1 SA2 SID, the command code MRC SRC, on responses the end
// code MRES SRES, then the command's parameters or response data (decoded in requests.ts, responses.ts). The same
// frame is a whole UDP datagram or follows a FINS/TCP FRAME SEND header (tcp.ts).
//
// Commands and responses are paired per flow by SID: the destination copies the command's SID into
// its response (W342 §5-1-1), and either side may send commands, so a pending command is keyed by
// the direction it went and its SID. That key space (2 x 256) bounds the per-flow table.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu } from '../../decode/pdu.js';
import { Reader, Truncated } from '../../decode/reader.js';
import type { Direction, PduSink, ProbeResult } from '../../decode/types.js';
import { COMMANDS, endCodeName, isMainCode } from './codes.js';
import type { Pending } from './fields.js';
import { requestBody } from './requests.js';
import { responseBody } from './responses.js';

export const HEADER = 10;
/** Header + command code: the shortest command; a response adds the 2-byte end code. */
export const MIN_COMMAND = 12;
export const MIN_RESPONSE = 14;
/** The longest FINS frame an Ethernet Unit carries (a 999-word read response: 14 + 1998 bytes). */
export const MAX_FRAME = 2012;

export interface FinsState {
  /** (direction << 8 | SID) of a command that wants a response -> what its response needs */
  pending: Map<number, Pending>;
}

export const newFinsState = (): FinsState => ({ pending: new Map() });

// ICF (Information Control Field): bit 7 gateway usage (always 1), bit 6 data type (0 command,
// 1 response), bits 5-1 reserved (0), bit 0 response setting (0 required, 1 not required).
const ICF_RESERVED = 0x3e;
const ICF_RESPONSE = 0x40;
const ICF_NO_RESPONSE = 0x01;

/**
 * Does this datagram hold one FINS frame? Used on ports nobody is bound to, so it asks for what
 * every Omron sender sets: the gateway bit and zero reserved bits in ICF, RSV 0, a gateway count of
 * at most 7, network addresses 0-127, a command code from the table and, on a response, a defined
 * main response code; and a size between the shortest and the longest frame.
 */
export function probeFrame(b: Buffer): ProbeResult {
  if (b.length < MIN_COMMAND || b.length > MAX_FRAME) return 'no';
  const icf = b[0]!;
  if ((icf & (0x80 | ICF_RESERVED)) !== 0x80 || b[1] !== 0 || b[2]! > 7 || b[3]! > 0x7f || b[6]! > 0x7f) return 'no';
  if (!COMMANDS.has((b[10]! << 8) | b[11]!)) return 'no';
  if (icf & ICF_RESPONSE && (b.length < MIN_RESPONSE || !isMainCode(b[12]!))) return 'no';
  return 'yes';
}

/** Decodes one FINS frame into one PDU; malformed headers give an anomaly and no PDU. */
export function decodeFrame(buf: Buffer, dir: Direction, state: FinsState, out: PduSink): void {
  if (buf.length < MIN_COMMAND) return out.anomaly('fins.truncated');
  const icf = buf[0]!;
  // reserved bits set or RSV non-zero: whatever this is, it is not a FINS header
  if ((icf & ICF_RESERVED) !== 0 || buf[1] !== 0) return out.anomaly('fins.bad_header');
  const response = (icf & ICF_RESPONSE) !== 0;
  if (response && buf.length < MIN_RESPONSE) return out.anomaly('fins.truncated');

  const code = (buf[10]! << 8) | buf[11]!;
  const sid = buf[9]!;
  const cmd = COMMANDS.get(code);
  const suffix = response ? '_response' : '_request';
  const p: AppPdu = {
    proto: 'fins',
    kind: (cmd ? cmd.stem : 'unknown') + suffix,
    role: response ? 'response' : 'request',
    functionCode: code,
    functionName: cmd ? cmd.name : `Unknown (0x${code.toString(16).padStart(4, '0')})`,
    op: cmd ? cmd.op : 'other',
    sid,
    dstNetwork: buf[3]!, dstNode: buf[4]!, dstUnit: buf[5]!,
    srcNetwork: buf[6]!, srcNode: buf[7]!, srcUnit: buf[8]!,
  };
  const flags: AnomalyId[] = [];
  const flag = (id: AnomalyId) => { flags.push(id); };
  if (!cmd) flag('fins.unknown_command');
  const r = new Reader(buf, response ? MIN_RESPONSE : MIN_COMMAND);

  if (response) {
    const mres = buf[12]!, sres = buf[13]!;
    const end = ((mres & 0x7f) << 8) | (sres & 0x3f);
    p.endCode = end;
    if (mres & 0x80) p.relayError = true;
    if (sres & 0x80) p.cpuFatalError = true;
    if (sres & 0x40) p.cpuNonFatalError = true;
    if (end !== 0) p.exception = { code: end, name: endCodeName(end) };
    const pending = match(state, dir, sid, code, flag);
    try {
      if (cmd) responseBody(code, r, p, pending, flag);
    } catch (err) {
      short(err, r, flag);
    }
  } else {
    const needed = (icf & ICF_NO_RESPONSE) === 0;
    p.responseRequired = needed;
    const pending: Pending = { code };
    try {
      if (cmd) requestBody(code, r, p, pending, flag);
    } catch (err) {
      short(err, r, flag);
    }
    if (needed) state.pending.set((dir << 8) | sid, pending);
  }
  if (!cmd && r.left > 0) p.dataLength = r.left;
  if (flags.length > 0) {
    p.anomalies = flags;
    for (const id of flags) out.anomaly(id);
  }
  out.pdu(p);
}

/**
 * A body cut short after the command code still yields the PDU with what was read: who sent which
 * command to whom is known and matters (a truncated write is still a write attempt).
 */
function short(err: unknown, r: Reader, flag: (id: AnomalyId) => void): void {
  if (!(err instanceof Truncated)) throw err;
  flag('fins.truncated');
  r.pos = r.end;
}

/** The command this response answers: same SID, sent the other way; a different command code is flagged. */
function match(state: FinsState, dir: Direction, sid: number, code: number, flag: (id: AnomalyId) => void): Pending | null {
  const key = ((dir ^ 1) << 8) | sid;
  const pending = state.pending.get(key);
  if (pending === undefined) return null;
  state.pending.delete(key);
  if (pending.code !== code) {
    flag('fins.command_mismatch');
    return null;
  }
  return pending;
}
