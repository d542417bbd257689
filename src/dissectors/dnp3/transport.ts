// DNP3 transport function (IEEE 1815-2012 clause 8): FIR/FIN/sequence reassembly of application
// fragments from the link frames' user data, one bounded assembly per direction in the flow's state.
import type { PduSink } from '../../decode/types.js';
import { decodeApplication, type LinkInfo } from './application.js';
import { HEADER } from './frame.js';

/** One direction's reassembly: an application fragment being collected from transport segments. */
interface Assembly {
  buf: Buffer | null;
  len: number;
  active: boolean;
  nextSeq: number;
  frames: number;
  source: number;
  destination: number;
}

export interface Dnp3State { dirs: [Assembly, Assembly] }

/** The bound on one reassembled fragment: 2048 is the usual maximum (clause 4); leave room for larger. */
const MAX_FRAGMENT = 4096;

export const newAssembly = (): Assembly => ({ buf: null, len: 0, active: false, nextSeq: 0, frames: 0, source: 0, destination: 0 });

/** Transport header (clause 8): FIN bit 7, FIR bit 6, sequence bits 5-0; then the segment's octets. */
export function transport(b: Buffer, dataLen: number, link: LinkInfo, a: Assembly, out: PduSink): void {
  const th = b[HEADER]!;
  const fir = (th & 0x40) !== 0, fin = (th & 0x80) !== 0, seq = th & 0x3f;
  if (fir) {
    if (a.active) out.anomaly('dnp3.transport_sequence'); // the previous fragment never finished
    a.active = true;
    a.len = 0;
    a.frames = 0;
    a.source = link.source;
    a.destination = link.destination;
  } else if (!a.active || seq !== a.nextSeq || link.source !== a.source || link.destination !== a.destination) {
    a.active = false;
    return out.anomaly('dnp3.transport_sequence');
  }
  a.nextSeq = (seq + 1) & 0x3f;
  a.frames++;
  if (a.len + dataLen - 1 > MAX_FRAGMENT) {
    a.active = false;
    return out.anomaly('dnp3.fragment_too_long');
  }
  a.buf ??= Buffer.allocUnsafe(MAX_FRAGMENT);
  // Copy the user data out of its CRC-separated blocks, skipping the transport header octet.
  let skip = 1;
  for (let o = HEADER, left = dataLen; left > 0; ) {
    const n = left < 16 ? left : 16;
    b.copy(a.buf, a.len, o + skip, o + n);
    a.len += n - skip;
    skip = 0;
    o += n + 2;
    left -= n;
  }
  if (!fin) return;
  a.active = false;
  decodeApplication(a.buf, a.len, link, a.frames, out);
}
