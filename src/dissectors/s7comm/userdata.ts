// Userdata (7) PDUs: the parameter (type, function group, subfunction, sequence, data unit fields),
// the data part, and the bounded per-direction reassembly of answers split over several PDUs ("last
// data unit" = 1 means more follow); SZL lists are decoded in szl.ts. Layout from Wireshark's s7comm
// dissector documentation and the snap7 "S7 protocol" notes.
import type { AppPdu, OpClass } from '../../decode/pdu.js';
import { Reader } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { cpuModeNames, userdataGroupNames, userdataSubfunctionNames } from './names.js';
import { finish } from './pdu.js';
import { MAX_REASSEMBLY, type S7State } from './state.js';
import { decodeSzlList, type SzlResult, szlIdentity } from './szl.js';

/** Userdata (7): CPU functions (SZL), block functions, time, security, cyclic data, mode transitions. */
export function decodeUserdata(pdu: AppPdu, p: Reader, d: Reader, dir: Direction, st: S7State, out: PduSink): void {
  p.skip(3); // parameter head
  p.u8(); // parameter length
  pdu.method = p.u8();
  const tg = p.u8();
  const type = tg >> 4;
  const group = tg & 0x0f;
  const sub = p.u8();
  pdu.sequence = p.u8();
  let more = false;
  if (p.left >= 4) {
    pdu.dataUnitRef = p.u8();
    more = p.u8() !== 0; // "last data unit": 0 = yes, 1 = more follow
    const err = p.u16();
    if (err !== 0) pdu.exception = { code: err, name: `Userdata error 0x${err.toString(16).padStart(4, '0')}` };
  }
  pdu.role = type === 4 || type === 7 ? 'request' : type === 8 || type === 0xb ? 'response' : 'notify';
  pdu.group = group;
  pdu.subfunction = sub;
  const g = userdataGroupNames[group];
  const name = userdataSubfunctionNames[(group << 8) | sub] ?? (group === 0 ? 'Mode-transition' : g ? g[0] : `Group ${group}`);
  pdu.functionCode = (group << 8) | sub;
  pdu.functionName = name;
  pdu.groupName = g ? g[0] : `Group ${group}`;
  let op: OpClass = g ? g[1] : 'other';
  if (group === 1 && sub !== 6) op = 'diagnostic'; // VarTab monitoring; forcing (6) stays a write
  if (group === 7 && (sub === 2 || sub === 4)) op = 'write'; // set clock
  pdu.op = op;
  if (group === 0) pdu.mode = cpuModeNames[sub] ?? `Mode ${sub}`;
  if (more) pdu.moreFollows = true;

  // data part: return code, transport size, length, payload
  let payload: Buffer | null = null;
  if (d.left >= 4) {
    pdu.returnCode = d.u8();
    d.u8(); // transport size
    const len = d.u16();
    payload = d.bytes(Math.min(len, d.left));
  }

  // reassembly of "more data follows" answers, bounded per direction
  const held = st.ud[dir];
  let continuation = false;
  if (payload && (more || held)) {
    const total = st.udBytes[dir] + payload.length;
    if (total > MAX_REASSEMBLY) {
      out.anomaly('s7comm.userdata_reassembly_overflow');
      st.ud[dir] = null;
      st.udBytes[dir] = 0;
      payload = null;
    } else if (more) {
      continuation = held !== null;
      (st.ud[dir] ??= []).push(Buffer.from(payload));
      st.udBytes[dir] = total;
      if (continuation) payload = null; // a middle fragment: nothing to decode yet
    } else {
      payload = Buffer.concat([...held!, payload]);
      continuation = true;
      st.ud[dir] = null;
      st.udBytes[dir] = 0;
    }
  }

  if (group === 4 && sub === 1 && payload && payload.length >= 4) {
    const r = new Reader(payload);
    const szl: SzlResult = { id: r.u16(), index: r.u16() };
    if (pdu.role === 'response' && pdu.returnCode === 0xff && r.left >= 4) decodeSzlList(r, szl, more);
    if (continuation) szl.reassembled = true;
    if (more) szl.partial = true;
    pdu.szl = szl;
    const identity = szlIdentity(szl);
    if (identity) pdu.identity = identity;
  }
  finish(pdu, name, out);
}
