// TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, flags, data offset.
// Stream reassembly and application framing happen in the flow stage (flows/tcp-stream.ts).
import { DONE, type LayerDissector, REJECT } from '../decode/types.js';

export const tcp: LayerDissector = {
  id: 'tcp',
  kind: 'layer',
  bindings: [{ table: 'ip.proto', value: 6 }],
  anomalies: ['tcp.truncated', 'tcp.bad_data_offset'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 20) {
      ctx.anomaly(pkt, 'tcp.truncated');
      return REJECT;
    }
    const dataOff = (b[off + 12]! >> 4) * 4;
    if (dataOff < 20 || off + dataOff > end) {
      ctx.anomaly(pkt, 'tcp.bad_data_offset');
      return REJECT;
    }
    pkt.l4Off = off;
    pkt.srcPort = (b[off]! << 8) | b[off + 1]!;
    pkt.dstPort = (b[off + 2]! << 8) | b[off + 3]!;
    pkt.seq = ((b[off + 4]! << 24) | (b[off + 5]! << 16) | (b[off + 6]! << 8) | b[off + 7]!) >>> 0;
    pkt.ack = ((b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!) >>> 0;
    pkt.tcpFlags = b[off + 13]!;
    pkt.payloadOff = off + dataOff;
    pkt.payloadEnd = end;
    return DONE;
  },
};
