// DNP3 data link framing (IEEE 1815-2012 clause 9): start octets 0x0564, LENGTH, and the CRC-16 on the
// header and on every 16-octet data block; how long a frame is, and whether bytes can start one. The
// frame's contents are decoded in link.ts.
import type { ProbeResult } from '../../decode/types.js';

/** CRC-16/DNP: polynomial 0x3D65 (reflected 0xA6BC), initial 0, complemented, sent low octet first (clause 9). */
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function dnp3Crc(b: Buffer, off: number, end: number): number {
  let c = 0;
  for (let i = off; i < end; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ b[i]!) & 0xff]!;
  return ~c & 0xffff;
}

export const crcOk = (b: Buffer, off: number, end: number): boolean =>
  dnp3Crc(b, off, end) === (b[end]! | (b[end + 1]! << 8));

export const HEADER = 10; // start(2) length(1) control(1) destination(2) source(2) CRC(2)
/** LENGTH 255 = 5 header octets + 250 user data octets in 16 blocks, each with its CRC: 10 + 250 + 32. */
export const MAX_FRAME = 292;

/** Whole frame length from a LENGTH octet (counts control, addresses and user data, not CRCs). */
export const frameLength = (len: number): number => {
  const data = len - 5;
  return HEADER + data + 2 * Math.ceil(data / 16);
};

/**
 * The length of the link frame at b[0]: 0 when more bytes are needed, -1 when it does not start with
 * 0x0564. A header whose CRC fails (or whose LENGTH is below 5) frames as its 10 header octets only:
 * the length field is not trusted (Suricata issue 8980), decode reports it, and what follows must
 * start a frame by itself or the stream resynchronises.
 */
export function frameDnp3(b: Buffer): number {
  if (b.length < 1) return 0;
  if (b[0] !== 0x05) return -1;
  if (b.length < 2) return 0;
  if (b[1] !== 0x64) return -1;
  if (b.length < HEADER) return 0;
  if (!crcOk(b, 0, 8) || b[2]! < 5) return HEADER;
  return frameLength(b[2]!);
}

export function probeDnp3(b: Buffer): ProbeResult {
  if (b.length >= 1 && b[0] !== 0x05) return 'no';
  if (b.length >= 2 && b[1] !== 0x64) return 'no';
  if (b.length < HEADER) return 'need-more';
  return crcOk(b, 0, 8) && b[2]! >= 5 ? 'yes' : 'no';
}
