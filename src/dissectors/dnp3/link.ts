// DNP3 data link frames (IEEE 1815-2012 clause 9): header and data block CRCs, link-only frames (link
// resets, tests, status, acks) reported as PDUs of their own, user data passed to the transport function.
import type { Direction, PduSink } from '../../decode/types.js';
import type { Dnp3Pdu, LinkInfo } from './application.js';
import { linkPrimaryNames, linkSecondaryNames } from './codes.js';
import { crcOk, frameLength, HEADER } from './frame.js';
import { transport, type Dnp3State } from './transport.js';

/** Decodes one link frame b[off, off+n) whose header CRC has been checked by frameDnp3's rules. */
export function decodeLink(b: Buffer, dir: Direction, st: Dnp3State, out: PduSink): void {
  if (b.length < HEADER) return out.anomaly('dnp3.truncated');
  if (!crcOk(b, 0, 8)) return out.anomaly('dnp3.bad_link_crc');
  const len = b[2]!;
  if (len < 5) return out.anomaly('dnp3.bad_link_length');
  if (b.length < frameLength(len)) return out.anomaly('dnp3.truncated');
  const ctrl = b[3]!;
  const link: LinkInfo = { destination: b.readUInt16LE(4), source: b.readUInt16LE(6), fc: ctrl & 0x0f };
  const primary = (ctrl & 0x40) !== 0;
  const dataLen = len - 5;
  // Every 16-octet block has its own CRC (clause 9); one bad block spoils the frame's user data.
  for (let o = HEADER, left = dataLen; left > 0; ) {
    const n = left < 16 ? left : 16;
    if (!crcOk(b, o, o + n)) return out.anomaly('dnp3.bad_link_crc');
    o += n + 2;
    left -= n;
  }
  if (!primary || (link.fc !== 3 && link.fc !== 4) || dataLen === 0) {
    out.pdu({
      proto: 'dnp3', kind: 'link', role: primary ? 'request' : 'response', op: 'session',
      linkSource: link.source, linkDestination: link.destination, linkFunctionCode: link.fc,
      linkFunctionName: (primary ? linkPrimaryNames : linkSecondaryNames)[link.fc] ?? 'Unknown', linkPrimary: primary,
    } satisfies Dnp3Pdu as never);
    return;
  }
  transport(b, dataLen, link, st.dirs[dir], out);
}
