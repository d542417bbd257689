// Field readers shared by the FINS command and response decoders (requests.ts, responses.ts): I/O
// memory addresses and element data (W342 §5-2-2), parameter areas, file memory disks and
// directories, clock data, operating modes. Each reads from a Reader bounded to the frame, so a
// short body throws Truncated.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu } from '../../decode/pdu.js';
import { type Reader, Truncated } from '../../decode/reader.js';
import { DISKS, MEMORY_AREAS, MODES, PARAMETER_AREAS } from './codes.js';

export type Flag = (id: AnomalyId) => void;

/** What a response needs from its command: the data layout of reads depends on what was asked. */
export interface Pending {
  code: number;
  area?: number;
  address?: number;
  bit?: number;
  count?: number;
  /** MULTIPLE MEMORY AREA READ: the area of each item, in order */
  areas?: number[];
  /** CONTROLLER DATA READ: which block was asked for (none: all) */
  selector?: number;
}

/** Items in one list (multiple read, forced set/reset, error log, file names): what a 2012-byte frame holds. */
export const MAX_ITEMS = 500;

export const hex2 = (v: number) => v.toString(16).padStart(2, '0');

export const areaName = (code: number): string => MEMORY_AREAS.get(code)?.name ?? `Unknown (0x${hex2(code)})`;

export interface MemoryAddress { area: number; areaName: string; address: number; bit: number }

/** I/O memory address (W342 §5-2-2): area code, word address, bit position (00 for word areas). */
export function memoryAddress(r: Reader): MemoryAddress {
  const area = r.u8();
  return { area, areaName: areaName(area), address: r.u16(), bit: r.u8() };
}

/** Element values of a read or write: one byte per bit element, a big-endian word per word element. */
export function values(data: Buffer, area: number, count: number, p: AppPdu, flag: Flag): void {
  const size = MEMORY_AREAS.get(area)?.size ?? 0;
  if (size === 0) return;
  if (data.length !== count * size) {
    flag('fins.length_mismatch');
    return;
  }
  if (size === 4) return; // word + forced status pairs, index registers: the length is what matters
  const n = count;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = size === 1 ? data[i]! : (data[2 * i]! << 8) | data[2 * i + 1]!;
  p.values = out;
}

export function parameterArea(r: Reader, p: AppPdu): void {
  const code = r.u16();
  p.parameterArea = code;
  p.parameterAreaName = PARAMETER_AREAS[code] ?? `Unknown (0x${code.toString(16).padStart(4, '0')})`;
  p.address = r.u16();
}

/** A word count whose bit 15 marks the last block of a multi-command transfer. */
export function countWithLast(v: number, p: AppPdu): void {
  p.count = v & 0x7fff;
  p.last = (v & 0x8000) !== 0;
}

export function disk(r: Reader, p: AppPdu): void {
  const d = r.u16();
  p.disk = d;
  p.diskName = DISKS[d] ?? `Unknown (0x${d.toString(16).padStart(4, '0')})`;
}

/** Directory length and absolute path (at most 65 characters, "\"-separated), when present. */
export function directory(r: Reader, p: AppPdu): void {
  if (r.left < 2) return;
  const n = r.u16();
  if (n > 0) p.directory = r.text(n);
}

/** Clock data (CLOCK READ / CLOCK WRITE): year, month, day, hour, minute[, second[, day of week]], BCD. */
export function clock(r: Reader, p: AppPdu): void {
  if (r.left < 5) throw new Truncated(5, r.pos);
  const b = r.bytes(Math.min(r.left, 7));
  p.clock = `${hex2(b[0]!)}-${hex2(b[1]!)}-${hex2(b[2]!)} ${hex2(b[3]!)}:${hex2(b[4]!)}${b.length > 5 ? `:${hex2(b[5]!)}` : ''}`;
  if (b.length > 6) p.dayOfWeek = b[6]!;
}

export function runMode(v: number, p: AppPdu): void {
  p.mode = v;
  p.modeName = MODES[v] ?? `Unknown (0x${hex2(v)})`;
}
