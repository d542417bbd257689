// IEC 61850 GOOSE over Ethernet (EtherType 0x88b8): IEC 61850-8-1 Annex C (header: APPID, Length,
// Reserved 1/2) and Annex A (goosePdu ASN.1, BER-encoded per ISO/IEC 8825-1). The dataset values in
// allData are counted, not decoded: the inventory needs the publisher and its state/sequence numbers.
import type { AnomalyId } from '../decode/anomalies.js';
import type { AppPdu } from '../decode/pdu.js';
import { Reader } from '../decode/reader.js';
import type { DatagramDissector } from '../decode/types.js';

/** A malformed BER element; the decoder turns it into goose.ber_invalid. */
class BerInvalid extends Error {}

interface Tlv {
  /** identifier octet(s) folded into one number: class/constructed bits and tag number as on the wire for one-byte tags */
  tag: number;
  value: Reader;
}

/**
 * One BER TLV (X.690 §8.1): definite lengths only (GOOSE forbids the indefinite form, 8-1 Annex A),
 * at most 4 length octets, never past the enclosing element.
 */
function berNext(r: Reader): Tlv {
  let tag = r.u8();
  if ((tag & 0x1f) === 0x1f) { // high tag number form: up to 3 more octets
    let n = 0;
    for (let b = 0x80; b & 0x80; n++) {
      if (n === 3) throw new BerInvalid();
      b = r.u8();
      tag = tag * 256 + b;
    }
  }
  let len = r.u8();
  if (len === 0x80) throw new BerInvalid(); // indefinite
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new BerInvalid();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8();
  }
  if (len > r.left) throw new BerInvalid();
  return { tag, value: r.sub(len) };
}

/** A BER INTEGER of up to 8 octets, two's complement (X.690 §8.3); stNum/sqNum/confRev fit. */
function berInt(v: Reader): number {
  const n = v.left;
  if (n < 1 || n > 8) throw new BerInvalid();
  let x = v.u8();
  if (x & 0x80) x -= 256;
  for (let i = 1; i < n; i++) x = x * 256 + v.u8();
  return x;
}

/** Bound on allData elements counted: 8-1 does not cap datasets; a 1500-byte frame holds < 750. */
const MAX_ENTRIES = 1024;

/** goosePdu field tags: [0]..[11] context-specific, primitive except allData [11] (constructed). */
const MANDATORY: ReadonlyArray<[number, string]> = [
  [0x80, 'gocbRef'], [0x81, 'timeAllowedtoLive'], [0x82, 'datSet'], [0x84, 't'], [0x85, 'stNum'], [0x86, 'sqNum'], [0x88, 'confRev'], [0x8a, 'numDatSetEntries'],
];

export const goose: DatagramDissector = {
  id: 'goose',
  kind: 'datagram',
  bindings: [{ table: 'ethertype', value: 0x88b8 }],
  anomalies: ['goose.truncated', 'goose.bad_length', 'goose.bad_tag', 'goose.ber_invalid', 'goose.missing_field', 'goose.entry_count_mismatch'],
  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    // Annex C: Length counts from the APPID on (8 header octets + APDU); the rest of the frame is padding.
    const appid = r.u16();
    const length = r.u16();
    const reserved1 = r.u16();
    const reserved2 = r.u16();
    if (length < 8 || length > payload.length) {
      out.anomaly('goose.bad_length');
      return;
    }
    const apdu = new Reader(payload, 8, length);
    const anomalies: AnomalyId[] = [];
    const raise = (id: AnomalyId) => { if (!anomalies.includes(id)) { anomalies.push(id); out.anomaly(id); } };
    const pdu: AppPdu = {
      proto: 'goose', kind: 'publish', role: 'notify', op: 'write', functionName: 'GOOSE', appid, length,
      // Edition 2 uses Reserved 1 bit 15 as the "simulate" flag (8-1 Ed2 §C.2.3.2).
      simulateBit: (reserved1 & 0x8000) !== 0, reserved1, reserved2,
    };
    const seen = new Set<number>();
    try {
      const top = berNext(apdu);
      if (top.tag !== 0x61) { // [APPLICATION 1] constructed; [APPLICATION 2..] are other (GSE management) PDUs
        out.anomaly('goose.bad_tag');
        return;
      }
      const s = top.value;
      while (s.left > 0) {
        const { tag, value: v } = berNext(s);
        seen.add(tag);
        switch (tag) {
          case 0x80: pdu.gocbRef = v.text(v.left); break;
          case 0x81: pdu.timeAllowedToLive = berInt(v); break;
          case 0x82: pdu.datSet = v.text(v.left); break;
          case 0x83: pdu.goID = v.text(v.left); break;
          case 0x84: { // UtcTime (8-1 §8.1.3.7): seconds, 24-bit binary fraction, time quality
            if (v.left !== 8) throw new BerInvalid();
            const sec = v.u32(), frac = v.u24();
            pdu.t = sec * 1000 + Math.floor((frac * 1000) / 0x1000000);
            pdu.timeQuality = v.u8();
            break;
          }
          case 0x85: pdu.stNum = berInt(v); break;
          case 0x86: pdu.sqNum = berInt(v); break;
          case 0x87: pdu.simulation = v.left > 0 && v.u8() !== 0; break; // "test" in Edition 1
          case 0x88: pdu.confRev = berInt(v); break;
          case 0x89: pdu.ndsCom = v.left > 0 && v.u8() !== 0; break;
          case 0x8a: pdu.numDatSetEntries = berInt(v); break;
          case 0xab: {
            let n = 0;
            while (v.left > 0 && n < MAX_ENTRIES) { berNext(v); n++; }
            pdu.allDataCount = n;
            break;
          }
          default: break; // [12] security and unknown tags: skipped by length
        }
      }
    } catch (err) {
      if (!(err instanceof BerInvalid)) throw err;
      raise('goose.ber_invalid');
    }
    if (pdu.gocbRef === undefined) {
      if (!anomalies.length) out.anomaly('goose.missing_field');
      return; // without the control block reference there is no publisher to report
    }
    if (MANDATORY.some(([t]) => !seen.has(t))) {
      raise('goose.missing_field');
      pdu.missingFields = MANDATORY.filter(([t]) => !seen.has(t)).map(([, n]) => n);
    }
    pdu.simulation ??= false; // both BOOLEAN DEFAULT FALSE: absent means false
    pdu.ndsCom ??= false;
    if (typeof pdu.numDatSetEntries === 'number' && typeof pdu.allDataCount === 'number' && pdu.numDatSetEntries !== pdu.allDataCount) raise('goose.entry_count_mismatch');
    if (anomalies.length) pdu.anomalies = anomalies;
    out.pdu(pdu);
  },
};
