// CIP explicit messages (THE CIP NETWORKS LIBRARY Vol. 1): Message Router request/response format
// (§2-4.1, §2-4.2), padded EPATH segments (Appendix C-1: port, logical, network, symbolic, data),
// Multiple_Service_Packet (§ ), Connection Manager Unconnected_Send (§3-5.6.4), and the Identity
// object's attributes (§5A-2). Requests and responses carry no class in a response, so a per-flow
// table remembers what each pending request addressed (keyed by the encapsulation sender context or
// the connected sequence count) and answers tell which object they came from.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu, Identity, OpClass } from '../../decode/pdu.js';
import { Reader, Truncated } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import {
  CLASS, CLASS_SERVICES, COMMON_SERVICES, DEVICE_TYPES, GENERAL_STATUS, LOGIX_PROGRAM_CLASSES, LOGIX_TAG_SERVICES,
  SVC, VENDORS,
} from './codes.js';

/** What a request addressed, remembered until its response arrives. */
export interface Addressed {
  service: number;
  classId?: number;
  instance?: number;
  attribute?: number;
  symbol?: string;
  /** Multiple_Service_Packet: the embedded requests, in order */
  parts?: Addressed[];
  /** Unconnected_Send: the outer request, for an error answered by the Connection Manager itself */
  outer?: Addressed;
  /** Unconnected_Send routed over the backplane (port 1): the slot of the module that answers */
  slot?: number;
}

/** Per-flow CIP state: pending requests, bounded (architecture rule 5). */
export interface CipState {
  pending: Map<string, Addressed>;
}

export const MAX_PENDING = 64;
/** Unconnected_Send in Multiple_Service_Packet in ...: deeper than this is not a real message. */
const MAX_DEPTH = 4;
const MAX_SERVICES = 256;

export function newCipState(): CipState {
  return { pending: new Map() };
}

/** Remembers a request; at the cap the oldest is dropped and `enip.too_many_pending` raised. */
export function remember(state: CipState, key: string, a: Addressed, out: PduSink): void {
  const m = state.pending;
  if (!m.has(key) && m.size >= MAX_PENDING) {
    out.anomaly('enip.too_many_pending');
    m.delete(m.keys().next().value!);
  }
  m.set(key, a);
}

/** Takes a request back by key (and forgets it). */
export function recall(state: CipState, key: string): Addressed | undefined {
  const a = state.pending.get(key);
  if (a) state.pending.delete(key);
  return a;
}

// ---------------------------------------------------------------- paths (Vol. 1 Appendix C-1)

/**
 * Reads a padded EPATH of `words` 16-bit words into `into`. Logical segments (0x20..0x3F) carry a
 * type (bits 4..2: class, instance, member, connection point, attribute, special, service) and a
 * format (bits 1..0: 8-bit, 16-bit and 32-bit values after a pad byte). Returns false when a segment
 * is unknown or overruns the path: the request is still reported, without the rest of its path.
 */
export function readPath(r: Reader, words: number, into: Addressed): boolean {
  const p = r.sub(words * 2);
  while (p.left > 0) {
    const seg = p.u8();
    const top = seg & 0xe0;
    if (top === 0x00) {
      // port segment: bit 4 = extended link address, port 15 = 16-bit port number follows
      const extLink = (seg & 0x10) !== 0;
      const linkLen = extLink ? p.u8() : 1;
      if ((seg & 0x0f) === 0x0f) p.skip(2);
      p.skip(linkLen);
      if (extLink && linkLen % 2 === 1) p.skip(1); // pad to a word
      // non-extended: 1 port byte + 1 link byte, already even
    } else if (top === 0x20) {
      const type = (seg >> 2) & 0x07;
      const format = seg & 0x03;
      let v: number;
      if (format === 0) v = p.u8();
      else if (format === 1) { p.skip(1); v = p.u16le(); }
      else if (format === 2) { p.skip(1); v = p.u32le(); }
      else return false;
      if (type === 0) into.classId = v;
      else if (type === 1) into.instance = v;
      else if (type === 4) into.attribute = v;
      else if (type === 5 && format === 0) { if (v !== 4) return false; p.skip(8); } // electronic key 0x34: format 4, 8 bytes
      // member, connection point and service values address sub-parts; not reported
    } else if (top === 0x40) {
      // network segment: 0x4X carry one byte; 0x50/0x51 (safety, extended) carry a word count
      if ((seg & 0xf0) === 0x50) p.skip(p.u8() * 2);
      else p.skip(1);
    } else if (seg === 0x91) {
      // ANSI extended symbolic segment: length, characters, pad to a word
      const n = p.u8();
      const name = p.text(n);
      if (n % 2 === 1) p.skip(1);
      into.symbol = into.symbol === undefined ? name : `${into.symbol}.${name}`;
    } else if (top === 0x60) {
      // symbolic segment: size in bits 4..0, then characters (0 = extended formats, not reported)
      const n = seg & 0x1f;
      if (n === 0) return false;
      p.skip(n);
    } else if (seg === 0x80) {
      p.skip(p.u8() * 2); // simple data segment: word count, words
    } else {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- names

function nameOf(service: number, a: Addressed | undefined): readonly [string, OpClass] {
  if (service < 0x32) {
    const c = COMMON_SERVICES[service];
    if (c) {
      // Create/Delete on Logix program objects build or remove logic: a program download
      if ((service === 0x08 || service === 0x09) && a?.classId !== undefined && LOGIX_PROGRAM_CLASSES.has(a.classId)) return [c[0], 'program'];
      return c;
    }
    return [`Service_0x${hex2(service)}`, 'other'];
  }
  const cls = a?.classId;
  if (cls === CLASS.FIRMWARE_UPDATE) return [`Firmware_Update_0x${hex2(service)}`, 'firmware'];
  if (cls !== undefined) {
    const t = CLASS_SERVICES.get(cls)?.[service];
    if (t) return t;
    if (LOGIX_PROGRAM_CLASSES.has(cls) && service >= 0x4b && service <= 0x51) return [`Program_Transfer_0x${hex2(service)}`, 'program'];
  }
  if (a && (a.symbol !== undefined || cls === CLASS.SYMBOL)) {
    const t = LOGIX_TAG_SERVICES[service];
    if (t) return t;
  }
  return [`Service_0x${hex2(service)}`, 'other'];
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

function snake(name: string): string {
  return name.toLowerCase();
}

// ---------------------------------------------------------------- messages

export interface CipContext {
  out: PduSink;
  state: CipState | null;
  /** set on embedded messages (Unconnected_Send, Multiple_Service_Packet) */
  depth: number;
}

/**
 * Decodes one Message Router request or response that fills `r` and emits its PDU(s) (embedded
 * messages after their carrier). `pending` is what the request addressed, when it is a response to a
 * request this flow saw. Returns what a request addressed, for the caller to remember.
 */
export function decodeCip(r: Reader, ctx: CipContext, pending?: Addressed): Addressed | undefined {
  if (ctx.depth > MAX_DEPTH) {
    ctx.out.anomaly('cip.too_deep');
    return undefined;
  }
  const first = r.u8();
  const service = first & 0x7f;
  if (first & 0x80) {
    response(r, service, ctx, pending);
    return undefined;
  }
  return request(r, service, ctx);
}

function request(r: Reader, service: number, ctx: CipContext): Addressed {
  const a: Addressed = { service };
  const pathOk = readPath(r, r.u8(), a);
  const [name, op] = nameOf(service, a);
  const pdu: AppPdu = { proto: 'cip', kind: `${snake(name)}_request`, role: 'request', functionCode: service, functionName: name, op };
  addressFields(pdu, a);
  if (ctx.depth > 0) pdu.embedded = true;
  const anomalies: AnomalyId[] = [];
  if (!pathOk) anomalies.push('cip.bad_path');
  if (anomalies.length) pdu.anomalies = anomalies;
  for (const id of anomalies) ctx.out.anomaly(id);

  if (service === SVC.MULTIPLE_SERVICE_PACKET) {
    ctx.out.pdu(pdu);
    a.parts = [];
    multiple(r, ctx, (sub) => {
      const got = decodeCip(sub, { ...ctx, depth: ctx.depth + 1 });
      if (got) a.parts!.push(got);
    });
    return a;
  }
  if (service === SVC.UNCONNECTED_SEND && a.classId === CLASS.CONNECTION_MANAGER) {
    // priority/time tick, timeout ticks, embedded message size, message, pad, route path
    r.skip(2);
    const size = r.u16le();
    const msg = r.sub(size);
    if (size % 2 === 1 && r.left > 0) r.skip(1);
    if (r.left >= 2) {
      const words = r.u8();
      r.skip(1);
      const route = r.sub(Math.min(words * 2, r.left));
      // the first port segment of the route: port 1 is the backplane, its link address the slot
      if (route.left >= 2 && (route.peek8() & 0xf0) === 0x00 && (route.peek8() & 0x0f) === 1) {
        route.skip(1);
        a.slot = route.u8();
        pdu.slot = a.slot;
      }
    }
    ctx.out.pdu(pdu);
    const inner = embedded(msg, ctx);
    if (inner) {
      inner.outer = a;
      return inner;
    }
    return a;
  }
  ctx.out.pdu(pdu);
  return a;
}

/** Decodes an embedded message; a truncated one costs only itself (`cip.truncated`). */
function embedded(r: Reader, ctx: CipContext, pending?: Addressed): Addressed | undefined {
  try {
    return decodeCip(r, { ...ctx, depth: ctx.depth + 1 }, pending);
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
    ctx.out.anomaly('cip.truncated');
    return undefined;
  }
}

/**
 * Multiple_Service_Packet body (§ ): a count, then that many offsets from the start of the count
 * field, each starting one embedded request or response that runs to the next offset.
 */
function multiple(r: Reader, ctx: CipContext, each: (sub: Reader, i: number) => void): void {
  const base = r.pos;
  const end = r.end;
  const count = r.u16le();
  if (count > MAX_SERVICES || count * 2 > r.left) {
    ctx.out.anomaly('cip.bad_multiple_service');
    return;
  }
  const offs = new Array<number>(count);
  for (let i = 0; i < count; i++) offs[i] = r.u16le();
  for (let i = 0; i < count; i++) {
    const from = base + offs[i]!;
    const to = i + 1 < count ? base + offs[i + 1]! : end;
    if (from < r.pos || to < from || to > end) {
      ctx.out.anomaly('cip.bad_multiple_service');
      return;
    }
    try {
      each(new Reader(r.buf, from, to), i);
    } catch (err) {
      if (!(err instanceof Truncated)) throw err;
      ctx.out.anomaly('cip.truncated');
    }
  }
  r.pos = end;
}

function response(r: Reader, service: number, ctx: CipContext, pending: Addressed | undefined): void {
  r.skip(1); // reserved
  const status = r.u8();
  const extWords = r.u8();
  const ext = extWords > 0 ? r.u16le() : undefined;
  if (extWords > 1) r.skip(extWords * 2 - 2);
  // the request this answers: Unconnected_Send is answered by the embedded service, or by the
  // Connection Manager itself when routing failed
  let a: Addressed | undefined;
  if (pending?.service === service) a = pending;
  else if (pending?.outer?.service === service) a = pending.outer;
  const [name, op] = nameOf(service, a);
  const pdu: AppPdu = { proto: 'cip', kind: `${snake(name)}_response`, role: 'response', functionCode: service, functionName: name, op, status };
  if (a) addressFields(pdu, a);
  if (ext !== undefined) pdu.extStatus = ext;
  if (status !== 0 && status !== 0x06) pdu.exception = { code: status, name: GENERAL_STATUS[status] ?? `Status 0x${hex2(status)}` };
  if (ctx.depth > 0) pdu.embedded = true;

  if (service === SVC.MULTIPLE_SERVICE_PACKET && (status === 0 || status === 0x1e) && r.left > 0) {
    ctx.out.pdu(pdu);
    multiple(r, ctx, (sub, i) => { decodeCip(sub, { ...ctx, depth: ctx.depth + 1 }, a?.parts?.[i]); });
    return;
  }
  if (status === 0 && a?.classId === CLASS.IDENTITY) {
    const id = identityReply(r, service, a.attribute);
    if (id) {
      // routed through the chassis backplane: the facts are the module's in that slot, not the
      // answering IP device's own
      const slot = pending?.outer?.slot;
      if (slot !== undefined) id.slot = slot;
      pdu.identity = id;
    }
  }
  ctx.out.pdu(pdu);
}

// ---------------------------------------------------------------- Identity object (Vol. 1 §5A-2)

/** A revision as a version string: major.minor (Vol. 1 §5A-2.2 attribute 4, two USINTs). */
export function revision(major: number, minor: number): string {
  return `${major}.${minor}`;
}

export function serialHex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Identity attributes 1..7 in instance-attribute order, as Get_Attribute_All returns them. */
export function identityAll(r: Reader, id: Identity): void {
  const vendorId = r.u16le();
  id.vendorId = vendorId;
  const vendor = VENDORS[vendorId];
  if (vendor) id.vendor = vendor;
  id.deviceType = deviceType(r.u16le());
  id.productCode = String(r.u16le());
  const major = r.u8();
  id.firmwareVersion = revision(major, r.u8());
  r.skip(2); // status word
  id.serial = serialHex(r.u32le());
  id.productName = r.text(r.u8());
}

export function deviceType(n: number): string {
  return DEVICE_TYPES[n] ?? `0x${n.toString(16).padStart(4, '0')}`;
}

function identityAttr(r: Reader, attr: number, id: Identity): boolean {
  switch (attr) {
    case 1: { const v = r.u16le(); id.vendorId = v; if (VENDORS[v]) id.vendor = VENDORS[v]; return true; }
    case 2: id.deviceType = deviceType(r.u16le()); return true;
    case 3: id.productCode = String(r.u16le()); return true;
    case 4: { const major = r.u8(); id.firmwareVersion = revision(major, r.u8()); return true; }
    case 5: r.skip(2); return true;
    case 6: id.serial = serialHex(r.u32le()); return true;
    case 7: id.productName = r.text(r.u8()); return true;
    default: return false;
  }
}

/** Identity facts from a successful reply to a read of the Identity object, or undefined. */
function identityReply(r: Reader, service: number, attribute: number | undefined): Identity | undefined {
  const id: Identity = {};
  try {
    if (service === 0x01 && r.left > 0) identityAll(r, id);
    else if (service === 0x0e && attribute !== undefined) identityAttr(r, attribute, id);
    else if (service === 0x03) {
      // Get_Attribute_List reply: count, then per attribute: id, status, value (sizes known for 1..7)
      const n = r.u16le();
      for (let i = 0; i < n; i++) {
        const attr = r.u16le();
        if (r.u16le() !== 0) break;
        if (!identityAttr(r, attr, id)) break;
      }
    }
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
    // a partial identity still holds what was read
  }
  return Object.keys(id).length > 0 ? id : undefined;
}

function addressFields(pdu: AppPdu, a: Addressed): void {
  if (a.classId !== undefined) pdu.classId = a.classId;
  if (a.instance !== undefined) pdu.instance = a.instance;
  if (a.attribute !== undefined) pdu.attribute = a.attribute;
  if (a.symbol !== undefined) pdu.symbol = a.symbol;
}
