// Classic S7comm (protocol id 0x32) inside one COTP TSDU. Layout from the public S7comm
// descriptions (Wireshark's s7comm dissector documentation, the snap7 "S7 protocol" notes,
// Siemens' SZL reference in "System Software for S7-300/400 System and Standard Functions"):
//
//   header   0x32, ROSCTR u8, redundancy id u16, PDU reference u16, parameter length u16,
//            data length u16, and for Ack / Ack_Data: error class u8, error code u8
//   Job / Ack_Data parameter: function u8, then per function (setup communication, read/write var
//            items, block up/download file names, PI service names, PLC stop)
//   Userdata parameter: head (3), length u8, method u8, type (high nibble) | function group (low),
//            subfunction u8, sequence u8 [, data unit ref u8, last data unit u8, error code u16]
//   Userdata data: return code u8, transport size u8, length u16, payload (an SZL list for
//            group 4 / subfunction 1: id u16, index u16, entry length u16, count u16, entries)
//
// Long userdata answers are split over several S7 PDUs ("last data unit" = 1 means more follow);
// every fragment is emitted (it is a PDU on the wire) and the SZL list is decoded from the
// reassembled payload on the last one, in bounded per-direction state.
//
// This file decodes the header; the parts are in job.ts (Job / Ack / Ack_Data parameters), blocks.ts
// (block file names, PI services), userdata.ts (userdata and its reassembly), szl.ts (SZL lists) and
// pdu.ts (the PDU's base fields and kind).
import type { AnomalyId } from '../../decode/anomalies.js';
import { Reader } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { decodeJob } from './job.js';
import { errorClassNames, rosctrNames } from './names.js';
import { base } from './pdu.js';
import type { S7State } from './state.js';
import { decodeUserdata } from './userdata.js';

export type { S7Block } from './blocks.js';
export type { S7Item } from './job.js';

export function decodeS7(data: Buffer, dir: Direction, st: S7State, out: PduSink): void {
  const r = new Reader(data);
  r.u8(); // protocol id 0x32
  const rosctr = r.u8();
  r.u16(); // redundancy identification
  const pduRef = r.u16();
  const plen = r.u16();
  const dlen = r.u16();
  if (rosctrNames[rosctr] === undefined) {
    out.anomaly('s7comm.unknown_rosctr');
    return;
  }
  const pdu = base(rosctr, pduRef);
  if (rosctr === 2 || rosctr === 3) {
    const cls = r.u8();
    const code = r.u8();
    if (cls !== 0 || code !== 0) {
      pdu.errorClass = cls;
      pdu.errorCode = code;
      pdu.exception = { code: (cls << 8) | code, name: errorClassNames[cls] ?? `Error class 0x${cls.toString(16)}` };
    }
  }
  r.need(plen + dlen); // declared lengths past the PDU: truncated
  if (r.left !== plen + dlen) out.anomaly('s7comm.length_mismatch' satisfies AnomalyId);
  const p = r.sub(plen);
  const d = r.sub(dlen);
  if (rosctr === 7) decodeUserdata(pdu, p, d, dir, st, out);
  else decodeJob(pdu, rosctr, p, d, dir, st, out);
}
