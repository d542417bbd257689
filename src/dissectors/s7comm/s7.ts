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
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu, Identity, OpClass } from '../../decode/pdu.js';
import { Reader } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { MAX_REASSEMBLY, type S7State } from './state.js';
import {
  areaNames, blockTypeNames, cpuModeNames, errorClassNames, piServiceOps, rosctrNames, s7FunctionNames,
  userdataGroupNames, userdataSubfunctionNames,
} from './names.js';

/** "Read Var" -> "read_var", for `kind`. */
function snake(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** Latin-1 text up to the first NUL, trailing spaces removed (SZL strings are NUL- or space-padded). */
function cstr(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul).trimEnd();
}

export interface S7Item {
  syntaxId: number;
  area?: number;
  areaName?: string;
  db?: number;
  byteAddress?: number;
  bit?: number;
  transportSize?: number;
  count?: number;
}

export interface S7Block {
  /** two ASCII hex digits as on the wire, e.g. "0A" */
  type: string;
  typeName: string;
  /** the five ASCII digits as on the wire, e.g. "00001" */
  numberText: string;
  number: number;
  filesystem?: string;
}

/** Read/Write Var request items (variable specifications). S7ANY (syntax id 0x10) is decoded. */
function readItems(p: Reader, count: number, out: PduSink): S7Item[] {
  const items: S7Item[] = [];
  for (let i = 0; i < count; i++) {
    const spec = p.u8(); // 0x12: variable specification
    const len = p.u8();
    const body = p.sub(len);
    if (spec !== 0x12 || len < 1) {
      out.anomaly('s7comm.bad_item');
      continue;
    }
    const syntaxId = body.u8();
    if (syntaxId === 0x10 && len >= 10) {
      const transportSize = body.u8();
      const cnt = body.u16();
      const db = body.u16();
      const area = body.u8();
      const addr = body.u24();
      items.push({ syntaxId, area, areaName: areaNames[area] ?? `Unknown area 0x${area.toString(16)}`, db, byteAddress: addr >> 3, bit: addr & 7, transportSize, count: cnt });
    } else if (syntaxId === 0x10) {
      out.anomaly('s7comm.bad_item');
    } else {
      items.push({ syntaxId }); // DBREAD, NCK, driveES, 1200 symbolic: kept as their id only
    }
  }
  return items;
}

/** Block file name "_" + type (2) + number (5) + destination file system (1), e.g. "_0A00001P". */
function parseBlockName(name: string): S7Block | undefined {
  if (name.length < 8 || name[0] !== '_') return undefined;
  const type = name.slice(1, 3).toUpperCase();
  const numberText = name.slice(3, 8);
  const number = /^\d{5}$/.test(numberText) ? Number(numberText) : -1;
  const b: S7Block = { type, typeName: blockTypeNames[type] ?? `Type ${type}`, numberText, number };
  if (name.length > 8) b.filesystem = name[8]!;
  return b;
}

/** Request download / Download block / Download ended / Start upload: status, 2 + 4 bytes, file name. */
function blockFromParam(p: Reader): S7Block | undefined {
  if (p.left < 8) return undefined;
  p.skip(7); // function status, unknown u16, upload id u32
  const n = p.u8();
  return parseBlockName(p.bytes(n).toString('latin1'));
}

/** PI service: 7 unknown bytes, parameter block, service name. */
function decodePi(p: Reader, pdu: AppPdu): void {
  p.skip(7);
  const argLen = p.u16();
  const args = p.sub(argLen);
  const nameLen = p.u8();
  const service = p.bytes(nameLen).toString('latin1');
  const pi: { service: string; argument?: string; blocks?: S7Block[] } = { service };
  if ((service === '_INSE' || service === '_DELE' || service === '_EXTE') && args.left >= 2) {
    const n = args.u8();
    args.u8(); // unknown
    const blocks: S7Block[] = [];
    for (let i = 0; i < n && args.left >= 8; i++) {
      // block type (2 ASCII) + number (5 ASCII) + file system (1)
      const b = parseBlockName(`_${args.bytes(8).toString('latin1')}`);
      if (b) blocks.push(b);
    }
    pi.blocks = blocks;
    if (blocks.length > 0) pdu.block = blocks[0];
  } else if (args.left > 0) {
    pi.argument = args.rest().toString('latin1');
  }
  pdu.pi = pi;
  pdu.op = piServiceOps[service] ?? 'control';
  if (service === 'P_PROGRAM') {
    // a start: warm restart without argument, cold restart with "C"
    pdu.action = pi.argument === 'C' ? 'cold_restart' : 'start';
    pdu.functionName = pi.argument === 'C' ? 'PLC Cold Restart' : 'PLC Start';
  }
}

/** The identity an SZL answer reveals about the device that sent it. */
function szlIdentity(szl: SzlResult): Identity | undefined {
  const id: Identity = {};
  for (const m of szl.modules ?? []) {
    if (m.index === 1 && m.orderNumber) {
      id.model = m.orderNumber;
      id.hardwareVersion = String(m.version);
    }
    // index 7: firmware; Ausbg = 'V' and major, Ausbe = minor and patch
    if (m.index === 7 && m.version >> 8 === 0x56) id.firmwareVersion = `V${m.version & 0xff}.${m.ext >> 8}.${m.ext & 0xff}`;
  }
  const c = szl.components;
  if (c) {
    if (c.plcName) id.name = c.plcName;
    if (c.moduleName) id.productName = c.moduleName;
    if (c.serialNumber) id.serial = c.serialNumber;
    if (c.cpuType) id.deviceType = c.cpuType;
  }
  if (Object.keys(id).length === 0) return undefined;
  id.vendor = 'Siemens';
  return id;
}

interface SzlModule { index: number; orderNumber: string; moduleType: number; version: number; ext: number }
interface SzlComponents {
  plcName?: string; moduleName?: string; plantTag?: string; copyright?: string; serialNumber?: string;
  cpuType?: string; memoryCardSerial?: string; location?: string;
}
interface SzlResult {
  id: number;
  index: number;
  entryLength?: number;
  count?: number;
  modules?: SzlModule[];
  components?: SzlComponents;
  /** a later fragment of a userdata answer: the list was decoded from the reassembled payload */
  reassembled?: boolean;
  /** more fragments follow: entries are decoded with the last one */
  partial?: boolean;
}

const COMPONENT_FIELDS: Record<number, keyof SzlComponents> = {
  1: 'plcName', 2: 'moduleName', 3: 'plantTag', 4: 'copyright', 5: 'serialNumber', 7: 'cpuType', 8: 'memoryCardSerial', 0x0b: 'location',
};

/** An SZL list answer: header, then module identification (xy11) or component identification (xy1C). */
function decodeSzlList(d: Reader, szl: SzlResult, partial: boolean): void {
  szl.entryLength = d.u16();
  szl.count = d.u16();
  if (partial) return;
  const low = szl.id & 0xff;
  const n = Math.min(szl.count, 256);
  if (low === 0x11 && szl.entryLength >= 28) {
    const mods: SzlModule[] = [];
    for (let i = 0; i < n && d.left >= szl.entryLength; i++) {
      const e = d.sub(szl.entryLength);
      const index = e.u16();
      const orderNumber = cstr(e.bytes(20));
      mods.push({ index, orderNumber, moduleType: e.u16(), version: e.u16(), ext: e.u16() });
    }
    szl.modules = mods;
  } else if (low === 0x1c && szl.entryLength >= 4) {
    const c: SzlComponents = {};
    for (let i = 0; i < n && d.left >= szl.entryLength; i++) {
      const e = d.sub(szl.entryLength);
      const index = e.u16();
      const field = COMPONENT_FIELDS[index];
      // serial number entries hold 24 characters and 8 reserved bytes
      const text = cstr(e.bytes(index === 5 || index === 8 ? Math.min(24, e.left) : e.left));
      if (field && text) c[field] = text;
    }
    szl.components = c;
  }
}

function base(rosctr: number, pduRef: number): AppPdu {
  return { proto: 's7comm', kind: '', rosctr, rosctrName: rosctrNames[rosctr]!, pduRef };
}

function finish(pdu: AppPdu, name: string, out: PduSink): void {
  pdu.kind = `${snake(name)}_${pdu.role}`;
  out.pdu(pdu);
}

/** Job (1), Ack (2), Ack_Data (3). */
function decodeJob(pdu: AppPdu, rosctr: number, p: Reader, d: Reader, dir: Direction, st: S7State, out: PduSink): void {
  pdu.role = rosctr === 1 ? 'request' : 'response';
  const job = rosctr === 1 ? null : st.lastJob[dir === 0 ? 1 : 0];
  const answered = job !== null && job.pduRef === pdu.pduRef ? job : null;
  if (p.left === 0) {
    if (answered) {
      pdu.requestFunctionCode = answered.functionCode;
      pdu.requestFunctionName = s7FunctionNames[answered.functionCode]?.[0] ?? 'Unknown function';
    }
    // an Ack without parameters: typically the refusal of a job, carrying the header error
    pdu.functionName = rosctrNames[rosctr]!;
    pdu.op = 'other';
    finish(pdu, pdu.functionName, out);
    return;
  }
  const fn = p.u8();
  const entry = s7FunctionNames[fn];
  pdu.functionCode = fn;
  pdu.functionName = entry ? entry[0] : `Unknown function 0x${fn.toString(16).padStart(2, '0')}`;
  pdu.op = entry ? entry[1] : 'other';
  if (!entry) out.anomaly('s7comm.unknown_function');
  const request = rosctr === 1;
  switch (fn) {
    case 0xf0: {
      p.u8(); // reserved
      pdu.setup = { maxAmqCalling: p.u16(), maxAmqCalled: p.u16(), pduLength: p.u16() };
      break;
    }
    case 0x04:
    case 0x05: {
      const count = p.u8();
      pdu.itemCount = count;
      if (request) pdu.items = readItems(p, count, out);
      else if (fn === 0x05) {
        const codes: number[] = [];
        for (let i = 0; i < count && d.left > 0; i++) codes.push(d.u8());
        pdu.returnCodes = codes;
      } else {
        // Read Var answer: per item return code, transport size, length, value (padded to even)
        const codes: number[] = [];
        for (let i = 0; i < count && d.left >= 1; i++) {
          const rc = d.u8();
          codes.push(rc);
          if (d.left < 3) break;
          const ts = d.u8();
          let len = d.u16();
          if (rc !== 0xff) continue; // an item error carries no value (the length is not meaningful)
          if (ts === 3 || ts === 4 || ts === 5) len = (len + 7) >> 3; // lengths in bits
          d.skip(Math.min(len, d.left));
          if (len % 2 === 1 && i < count - 1 && d.left > 0) d.skip(1);
        }
        pdu.returnCodes = codes;
      }
      break;
    }
    case 0x1a: case 0x1b: case 0x1c: case 0x1d: {
      if (request) {
        const b = blockFromParam(p);
        if (b) pdu.block = b;
      }
      break;
    }
    case 0x28:
      if (request) decodePi(p, pdu);
      else if (answered?.functionCode === 0x28 && answered.service !== undefined) {
        // the answer names no service: take it (and so the operation class) from the job
        const service = answered.service;
        pdu.pi = { service };
        pdu.op = piServiceOps[service] ?? 'control';
      }
      break;
    case 0x29:
      if (request && p.left >= 6) {
        p.skip(5);
        pdu.pi = { service: p.bytes(p.u8()).toString('latin1') };
      }
      break;
    default:
      break;
  }
  if (request) st.lastJob[dir] = { pduRef: pdu.pduRef as number, functionCode: fn, ...(pdu.pi ? { service: (pdu.pi as { service: string }).service } : {}) };
  // kind follows the function code (stable), functionName may be refined (PI "PLC Start")
  finish(pdu, entry ? entry[0] : 'Unknown function', out);
}

/** Userdata (7): CPU functions (SZL), block functions, time, security, cyclic data, mode transitions. */
function decodeUserdata(pdu: AppPdu, p: Reader, d: Reader, dir: Direction, st: S7State, out: PduSink): void {
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
