// Block functions and PLC control in Job parameters: block file names ("_0A00001P") of the
// up/download functions and the PI service (start / cold restart, insert / delete blocks, compress
// memory) with its arguments. Layout from Wireshark's s7comm dissector documentation and the snap7
// "S7 protocol" notes.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import { blockTypeNames, piServiceOps } from './names.js';

export interface S7Block {
  /** two ASCII hex digits as on the wire, e.g. "0A" */
  type: string;
  typeName: string;
  /** the five ASCII digits as on the wire, e.g. "00001" */
  numberText: string;
  number: number;
  filesystem?: string;
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
export function blockFromParam(p: Reader): S7Block | undefined {
  if (p.left < 8) return undefined;
  p.skip(7); // function status, unknown u16, upload id u32
  const n = p.u8();
  return parseBlockName(p.bytes(n).toString('latin1'));
}

/** PI service: 7 unknown bytes, parameter block, service name. */
export function decodePi(p: Reader, pdu: AppPdu): void {
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
