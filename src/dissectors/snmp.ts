// SNMP v1 (RFC 1157) and v2c (RFC 1901, PDUs of RFC 3416) over UDP 161 (agent) and 162 (traps),
// encoded in BER (ITU-T X.690 §8.1: tag, length, contents). v3 (RFC 3412) is recognised by its
// version only: its PDU is usually encrypted. The community string is recorded as sent, so later
// stages can flag default communities; responses carrying sysDescr.0, sysObjectID.0 and sysName.0
// (RFC 3418 system group) give the agent's identity.
import type { AppPdu, Identity, OpClass } from '../decode/pdu.js';
import type { DatagramDissector, PduSink } from '../decode/types.js';
import { Truncated } from '../decode/reader.js';

const MAX_VARBINDS = 256;
const MAX_OID_ARCS = 128;
/** Nesting is fixed by the SNMP grammar (message > PDU > varbind list > varbind); values are flat. */

/** A BER element: tag byte, contents [start, end). */
interface Tlv { tag: number; start: number; end: number }

/** Ends the message with the anomaly `snmp.<suffix>`: the BER is not SNMP's. */
class BerError extends Error {
  constructor(readonly suffix: 'bad_tag' | 'bad_length' | 'bad_version' | 'unknown_pdu_type' | 'bad_oid') {
    super(suffix);
  }
}

/**
 * A small bounded TLV reader over buf[pos, end). Only single-byte tags occur in SNMP (X.690 §8.1.2.4
 * high tag numbers do not), and lengths are definite (§8.1.3; indefinite form is banned by RFC 3417
 * §8), at most 4 length bytes. An element longer than what holds it is bad_length, except the
 * outermost one, whose excess is the datagram having been cut: truncation.
 */
class Ber {
  constructor(readonly buf: Buffer, public pos: number, readonly end: number, readonly outer = false) {}

  get more(): boolean { return this.pos < this.end; }

  tlv(): Tlv {
    if (this.pos + 2 > this.end) throw new Truncated(2, this.pos);
    const tag = this.buf[this.pos]!;
    if ((tag & 0x1f) === 0x1f) throw new BerError('bad_tag');
    let len = this.buf[this.pos + 1]!;
    let p = this.pos + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) throw new BerError('bad_length');
      if (p + n > this.end) throw new Truncated(n, p);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[p + i]!;
      p += n;
    }
    if (p + len > this.end) {
      if (this.outer) throw new Truncated(len, p);
      throw new BerError('bad_length');
    }
    this.pos = p + len;
    return { tag, start: p, end: p + len };
  }

  expect(tag: number): Tlv {
    const t = this.tlv();
    if (t.tag !== tag) throw new BerError('bad_tag');
    return t;
  }

  inside(t: Tlv): Ber { return new Ber(this.buf, t.start, t.end); }
}

/** X.690 §8.3: two's complement, big-endian. Beyond 48 bits (Counter64) the value becomes a string. */
function integer(buf: Buffer, t: Tlv, signed = true): number | string {
  const n = t.end - t.start;
  if (n === 0) return 0;
  if (n <= 6) return signed ? buf.readIntBE(t.start, n) : buf.readUIntBE(t.start, n);
  let v = 0n;
  for (let i = t.start; i < t.end; i++) v = (v << 8n) | BigInt(buf[i]!);
  if (signed && (buf[t.start]! & 0x80)) v -= 1n << BigInt(8 * n);
  return v.toString();
}

const int = (buf: Buffer, t: Tlv): number => {
  const v = integer(buf, t);
  return typeof v === 'number' ? v : Number(v);
};

/** X.690 §8.19: first octet(s) carry 40 * arc1 + arc2, then base-128 arcs with a continuation bit. */
function oid(buf: Buffer, t: Tlv): string {
  if (t.end === t.start) throw new BerError('bad_oid');
  const arcs: number[] = [];
  let v = 0, digits = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    // 32-bit arcs (RFC 2578 §3.5) take at most 5 base-128 digits
    if (++digits > 5 || arcs.length >= MAX_OID_ARCS) throw new BerError('bad_oid');
    if (b & 0x80) continue;
    if (arcs.length === 0) {
      const first = v < 80 ? Math.floor(v / 40) : 2;
      arcs.push(first, v - first * 40);
    } else arcs.push(v);
    v = 0; digits = 0;
  }
  if (digits !== 0) throw new BerError('bad_oid'); // the last arc never ended
  return arcs.join('.');
}

/** Printable text stays text; anything else (MAC addresses, binary) is shown as hex. */
function octets(b: Buffer): string {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 || c > 0x7e) && c !== 0x0a && c !== 0x0d && c !== 0x09 && !(c === 0 && i === b.length - 1)) return b.toString('hex');
  }
  return b.toString('latin1').replace(/\0$/, '');
}

export interface Varbind {
  oid: string;
  type: string;
  value?: string | number | null;
}

/** SMIv2 application types (RFC 2578 §7.1, RFC 3416 §3) and the v2 exception values. */
function value(buf: Buffer, t: Tlv): Pick<Varbind, 'type' | 'value'> {
  const b = buf.subarray(t.start, t.end);
  switch (t.tag) {
    case 0x02: return { type: 'Integer', value: integer(buf, t) };
    case 0x04: return { type: 'OctetString', value: octets(b) };
    case 0x05: return { type: 'Null', value: null };
    case 0x06: return { type: 'ObjectIdentifier', value: oid(buf, t) };
    case 0x40: return { type: 'IpAddress', value: b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : b.toString('hex') };
    case 0x41: return { type: 'Counter32', value: integer(buf, t, false) };
    case 0x42: return { type: 'Gauge32', value: integer(buf, t, false) };
    case 0x43: return { type: 'TimeTicks', value: integer(buf, t, false) };
    case 0x44: return { type: 'Opaque', value: b.toString('hex') };
    case 0x46: return { type: 'Counter64', value: String(integer(buf, t, false)) };
    case 0x80: return { type: 'noSuchObject' };
    case 0x81: return { type: 'noSuchInstance' };
    case 0x82: return { type: 'endOfMibView' };
    default: return { type: `tag_0x${t.tag.toString(16)}`, value: b.toString('hex') };
  }
}

const PDU_TYPES: Record<number, { kind: string; name: string; role: 'request' | 'response' | 'notify'; op?: OpClass }> = {
  0xa0: { kind: 'get', name: 'GetRequest', role: 'request', op: 'read' },
  0xa1: { kind: 'getnext', name: 'GetNextRequest', role: 'request', op: 'read' },
  0xa2: { kind: 'response', name: 'Response', role: 'response' },
  0xa3: { kind: 'set', name: 'SetRequest', role: 'request', op: 'write' },
  // traps and informs are unsolicited notifications; OpClass has no "notify", role says it
  0xa4: { kind: 'trap', name: 'Trap', role: 'notify', op: 'other' },
  0xa5: { kind: 'getbulk', name: 'GetBulkRequest', role: 'request', op: 'read' },
  0xa6: { kind: 'inform', name: 'InformRequest', role: 'notify', op: 'other' },
  0xa7: { kind: 'trapv2', name: 'SNMPv2-Trap', role: 'notify', op: 'other' },
  0xa8: { kind: 'report', name: 'Report', role: 'response' },
};

const ERROR_STATUS = [
  'noError', 'tooBig', 'noSuchName', 'badValue', 'readOnly', 'genErr', 'noAccess', 'wrongType', 'wrongLength',
  'wrongEncoding', 'wrongValue', 'noCreation', 'inconsistentValue', 'resourceUnavailable', 'commitFailed',
  'undoFailed', 'authorizationError', 'notWritable', 'inconsistentName',
];

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const ENTERPRISES = '1.3.6.1.4.1.';

export interface SnmpPdu extends AppPdu {
  proto: 'snmp';
  /** the wire value: 0 v1, 1 v2c, 3 v3 */
  version: number;
  versionName: 'v1' | 'v2c' | 'v3';
  community?: string;
  requestId?: number;
  errorStatus?: number;
  errorIndex?: number;
  nonRepeaters?: number;
  maxRepetitions?: number;
  enterprise?: string;
  agentAddr?: string;
  genericTrap?: number;
  specificTrap?: number;
  timestamp?: number | string;
  varbinds?: Varbind[];
}

function decode(payload: Buffer, out: PduSink): void {
  const top = new Ber(payload, 0, payload.length, true);
  const msg = top.tlv();
  if (msg.tag !== 0x30) throw new BerError('bad_tag');
  const m = top.inside(msg);
  const version = int(payload, m.expect(0x02));
  if (version !== 0 && version !== 1 && version !== 3) throw new BerError('bad_version');
  if (version === 3) {
    // RFC 3412 §6: msgGlobalData, msgSecurityParameters, then a possibly encrypted scopedPDU
    out.pdu({ proto: 'snmp', kind: 'v3', version, versionName: 'v3' } satisfies SnmpPdu);
    return;
  }
  const c = m.expect(0x04);
  const community = payload.toString('latin1', c.start, c.end);
  const pt = m.tlv();
  const info = PDU_TYPES[pt.tag];
  if (info === undefined) throw new BerError('unknown_pdu_type');
  const pdu = m.inside(pt);
  const p: SnmpPdu = {
    proto: 'snmp', kind: info.kind, role: info.role, functionCode: pt.tag & 0x1f, functionName: info.name,
    version, versionName: version === 0 ? 'v1' : 'v2c', community,
  };
  if (info.op) p.op = info.op;
  if (pt.tag === 0xa4) {
    // RFC 1157 §4.1.6 Trap-PDU: enterprise, agent-addr, generic-trap, specific-trap, time-stamp
    p.enterprise = oid(payload, pdu.expect(0x06));
    const addr = pdu.expect(0x40);
    p.agentAddr = addr.end - addr.start === 4 ? payload.subarray(addr.start, addr.end).join('.') : payload.toString('hex', addr.start, addr.end);
    p.genericTrap = int(payload, pdu.expect(0x02));
    p.specificTrap = int(payload, pdu.expect(0x02));
    p.timestamp = integer(payload, pdu.expect(0x43), false);
  } else {
    p.requestId = int(payload, pdu.expect(0x02));
    const a = int(payload, pdu.expect(0x02));
    const b = int(payload, pdu.expect(0x02));
    // GetBulk (RFC 3416 §4.2.3) reuses the two fields as non-repeaters and max-repetitions
    if (pt.tag === 0xa5) { p.nonRepeaters = a; p.maxRepetitions = b; } else {
      p.errorStatus = a; p.errorIndex = b;
      if (a !== 0) p.exception = { code: a, name: ERROR_STATUS[a] ?? `error${a}` };
    }
  }
  const list = pdu.inside(pdu.expect(0x30));
  const varbinds: Varbind[] = [];
  for (let i = 0; list.more; i++) {
    if (i >= MAX_VARBINDS) { out.anomaly('snmp.too_many_varbinds'); break; }
    const vb = list.inside(list.expect(0x30));
    const name = oid(payload, vb.expect(0x06));
    varbinds.push({ oid: name, ...value(payload, vb.tlv()) });
  }
  p.varbinds = varbinds;

  if (pt.tag === 0xa2) {
    const id: Identity & { description?: string; vendorOid?: string } = {};
    for (const v of varbinds) {
      if (typeof v.value !== 'string' || v.value === '') continue;
      if (v.oid === SYS_DESCR) id.description = v.value;
      else if (v.oid === SYS_NAME) id.name = v.value;
      else if (v.oid === SYS_OBJECT_ID && v.type === 'ObjectIdentifier') {
        id.vendorOid = v.value;
        // sysObjectID sits under the vendor's private enterprise number (RFC 3418, SMI enterprises)
        if (v.value.startsWith(ENTERPRISES)) id.vendorId = Number(v.value.slice(ENTERPRISES.length).split('.')[0]);
      }
    }
    if (id.description !== undefined || id.name !== undefined || id.vendorOid !== undefined) p.identity = id;
  }
  out.pdu(p);
}

export const snmp: DatagramDissector = {
  id: 'snmp',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: 161 }, { table: 'udp.port', value: 162 }],
  anomalies: ['snmp.truncated', 'snmp.bad_tag', 'snmp.bad_length', 'snmp.bad_version', 'snmp.unknown_pdu_type', 'snmp.bad_oid', 'snmp.too_many_varbinds'],

  decode(payload: Buffer, _dir, _state, out: PduSink): void {
    try {
      decode(payload, out);
    } catch (err) {
      if (!(err instanceof BerError)) throw err;
      out.anomaly(`snmp.${err.suffix}`);
    }
  },
};
