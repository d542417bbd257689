// Modbus code tables, built once at start-up (architecture §6.5: no per-PDU string building).
// Names follow the Modbus Application Protocol Specification v1.1b3: §5.1 public function codes,
// §7 exception codes, §6.21 Read Device Identification object ids.
import type { OpClass } from '../../decode/pdu.js';

interface FunctionInfo {
  name: string;
  op: OpClass;
}

/** Public function codes (§5.1 / §6). 43 is refined by its MEI type in the decoder. */
const FUNCTIONS: Record<number, FunctionInfo> = {
  1: { name: 'Read Coils', op: 'read' },
  2: { name: 'Read Discrete Inputs', op: 'read' },
  3: { name: 'Read Holding Registers', op: 'read' },
  4: { name: 'Read Input Registers', op: 'read' },
  5: { name: 'Write Single Coil', op: 'write' },
  6: { name: 'Write Single Register', op: 'write' },
  7: { name: 'Read Exception Status', op: 'read' },
  8: { name: 'Diagnostics', op: 'diagnostic' },
  11: { name: 'Get Comm Event Counter', op: 'diagnostic' },
  12: { name: 'Get Comm Event Log', op: 'diagnostic' },
  15: { name: 'Write Multiple Coils', op: 'write' },
  16: { name: 'Write Multiple Registers', op: 'write' },
  17: { name: 'Report Server ID', op: 'diagnostic' },
  20: { name: 'Read File Record', op: 'read' },
  21: { name: 'Write File Record', op: 'write' },
  22: { name: 'Mask Write Register', op: 'write' },
  // it writes before it reads (§6.17), so detection rules must see it as a write
  23: { name: 'Read/Write Multiple Registers', op: 'write' },
  24: { name: 'Read FIFO Queue', op: 'read' },
  43: { name: 'Encapsulated Interface Transport', op: 'diagnostic' },
};

const snake = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** §5.1: codes 65-72 and 100-110 are left to users; they are legal but not ours to decode. */
export const isUserDefined = (fc: number): boolean => (fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110);

/** Per function code (0-127): name, op class and the request/response kinds. */
export const FC_NAME: string[] = [];
/** 1 for the public codes this dissector decodes. */
export const FC_KNOWN = new Uint8Array(128);
export const FC_OP: OpClass[] = [];
export const FC_KIND_REQ: string[] = [];
export const FC_KIND_RESP: string[] = [];
for (let fc = 0; fc < 128; fc++) {
  const f = FUNCTIONS[fc];
  FC_NAME.push(f ? f.name : isUserDefined(fc) ? `User Defined (${fc})` : `Unknown (${fc})`);
  FC_KNOWN[fc] = f ? 1 : 0;
  FC_OP.push(f ? f.op : 'other');
  const k = f ? snake(f.name) : isUserDefined(fc) ? 'user_defined' : 'unknown';
  FC_KIND_REQ.push(`${k}_request`);
  FC_KIND_RESP.push(`${k}_response`);
}

/** §7 exception codes. */
const EXCEPTIONS: Record<number, string> = {
  1: 'Illegal Function',
  2: 'Illegal Data Address',
  3: 'Illegal Data Value',
  4: 'Server Device Failure',
  5: 'Acknowledge',
  6: 'Server Device Busy',
  8: 'Memory Parity Error',
  10: 'Gateway Path Unavailable',
  11: 'Gateway Target Device Failed to Respond',
};
/** One frozen { code, name } object per exception code, shared by every PDU that carries it. */
export const EXCEPTION: ReadonlyArray<Readonly<{ code: number; name: string }>> = Array.from({ length: 256 }, (_, code) =>
  Object.freeze({ code, name: EXCEPTIONS[code] ?? 'Unknown' }));
export const isKnownException = (code: number): boolean => EXCEPTIONS[code] !== undefined;

/** §6.21 Read Device Identification: basic (0-2) and regular (3-6) object names. */
export const DEVICE_ID_OBJECTS: readonly string[] = [
  'VendorName', 'ProductCode', 'MajorMinorRevision', 'VendorUrl', 'ProductName', 'ModelName', 'UserApplicationName',
];

/** MEI types of function 43 (§6.19-6.21). */
export const MEI_CANOPEN = 13;
export const MEI_READ_DEVICE_ID = 14;
