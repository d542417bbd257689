// Job (1), Ack (2) and Ack_Data (3) parameters: setup communication, Read/Write Var items and answers,
// block up/download, PI services and PLC stop. Layout from Wireshark's s7comm dissector documentation
// and the snap7 "S7 protocol" notes.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { blockFromParam, decodePi } from './blocks.js';
import { areaNames, piServiceOps, rosctrNames, s7FunctionNames } from './names.js';
import { finish } from './pdu.js';
import type { S7State } from './state.js';

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

/** Job (1), Ack (2), Ack_Data (3). */
export function decodeJob(pdu: AppPdu, rosctr: number, p: Reader, d: Reader, dir: Direction, st: S7State, out: PduSink): void {
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
