// Decodes frames through the real registry and decoder, for frame tests. One session keeps decoder
// state (fragment reassembly) across frames, as the pipeline does.
import { Decoder } from '../../src/decode/decoder.js';
import { ipv4ToString, macToString, Packet } from '../../src/decode/packet.js';
import { defaultRegistry } from '../../src/pipeline.js';

/** Hex with spaces, newlines and `#` comments allowed. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');
}

export function decodeSession() {
  const registry = defaultRegistry();
  const decoder = new Decoder(registry);
  return (frame: Buffer, linkType = 1, origLen = frame.length, ts = 1_700_000_000_000_000) => {
    const before = Float64Array.from(decoder.counters.perDissector);
    const pkt = new Packet();
    pkt.reset(frame, 0, frame.length, origLen, ts, linkType);
    decoder.decode(pkt);
    const layers = registry.dissectors.filter((_, i) => decoder.counters.perDissector[i]! > before[i]!).map((d) => d.id);
    return {
      pkt,
      layers,
      anomalies: [...pkt.anomalies],
      srcMac: macToString(pkt.frameBuf, pkt.srcMacOff),
      dstMac: macToString(pkt.frameBuf, pkt.dstMacOff),
      src: pkt.ipVersion === 4 ? ipv4ToString(pkt.src4) : pkt.src6,
      dst: pkt.ipVersion === 4 ? ipv4ToString(pkt.dst4) : pkt.dst6,
      payload: pkt.buf.subarray(pkt.payloadOff, pkt.payloadEnd).toString('hex'),
      vlans: Array.from(pkt.vlans.subarray(0, pkt.vlanCount)),
    };
  };
}

export const decodeFrame = (frame: Buffer, linkType = 1, origLen = frame.length) => decodeSession()(frame, linkType, origLen);
