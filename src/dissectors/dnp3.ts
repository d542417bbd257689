// DNP3 (IEEE 1815-2012) over TCP and UDP port 20000: data link layer (clause 9: start 0x0564, length,
// control, addresses, CRC-16 on the header and on every 16-octet data block), transport function
// (clause 8: FIR/FIN/sequence reassembly) and application layer (clause 4: application control,
// function code, internal indications, object headers). Object headers are walked, point values are
// not decoded: the header list is what inventories and detection rules need, and walking it only takes
// each object's size (Annex A, the object library).
import type { AnomalyId } from '../decode/anomalies.js';
import type { Identity, OpClass } from '../decode/pdu.js';
import type { DatagramDissector, Direction, ProbeResult, PduSink, StreamDissector } from '../decode/types.js';
import {
  BY_VARIATION, HEADERS_ONLY, KINDS, PACKED, PACKED2, dnp3FunctionNames, linkPrimaryNames, linkSecondaryNames, objectSize, opOf,
} from './dnp3/codes.js';

export { dnp3FunctionNames } from './dnp3/codes.js';

// ---------------------------------------------------------------- data link layer, clause 9

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

const crcOk = (b: Buffer, off: number, end: number): boolean =>
  dnp3Crc(b, off, end) === (b[end]! | (b[end + 1]! << 8));

const HEADER = 10; // start(2) length(1) control(1) destination(2) source(2) CRC(2)
/** LENGTH 255 = 5 header octets + 250 user data octets in 16 blocks, each with its CRC: 10 + 250 + 32. */
const MAX_FRAME = 292;

/** Whole frame length from a LENGTH octet (counts control, addresses and user data, not CRCs). */
const frameLength = (len: number): number => {
  const data = len - 5;
  return HEADER + data + 2 * Math.ceil(data / 16);
};

/**
 * The length of the link frame at b[0]: 0 when more bytes are needed, -1 when it does not start with
 * 0x0564. A header whose CRC fails (or whose LENGTH is below 5) frames as its 10 header octets only:
 * the length field is not trusted (Suricata issue 8980), decode reports it, and what follows must
 * start a frame by itself or the stream resynchronises.
 */
function frameDnp3(b: Buffer): number {
  if (b.length < 1) return 0;
  if (b[0] !== 0x05) return -1;
  if (b.length < 2) return 0;
  if (b[1] !== 0x64) return -1;
  if (b.length < HEADER) return 0;
  if (!crcOk(b, 0, 8) || b[2]! < 5) return HEADER;
  return frameLength(b[2]!);
}

function probeDnp3(b: Buffer): ProbeResult {
  if (b.length >= 1 && b[0] !== 0x05) return 'no';
  if (b.length >= 2 && b[1] !== 0x64) return 'no';
  if (b.length < HEADER) return 'need-more';
  return crcOk(b, 0, 8) && b[2]! >= 5 ? 'yes' : 'no';
}

// ---------------------------------------------------------------- application layer, clause 4

export interface Dnp3Object {
  group: number;
  variation: number;
  qualifier: number;
  count: number;
}

export interface Dnp3Iin {
  raw: number;
  broadcast: boolean;
  class1Events: boolean;
  class2Events: boolean;
  class3Events: boolean;
  needTime: boolean;
  localControl: boolean;
  deviceTrouble: boolean;
  deviceRestart: boolean;
  noFunctionCodeSupport: boolean;
  objectUnknown: boolean;
  parameterError: boolean;
  eventBufferOverflow: boolean;
  alreadyExecuting: boolean;
  configCorrupt: boolean;
}

/** Internal indications (clause 4): IIN1 first on the wire, bit 0 least significant. */
function iinOf(i1: number, i2: number): Dnp3Iin {
  return {
    raw: (i1 << 8) | i2,
    broadcast: (i1 & 0x01) !== 0, class1Events: (i1 & 0x02) !== 0, class2Events: (i1 & 0x04) !== 0,
    class3Events: (i1 & 0x08) !== 0, needTime: (i1 & 0x10) !== 0, localControl: (i1 & 0x20) !== 0,
    deviceTrouble: (i1 & 0x40) !== 0, deviceRestart: (i1 & 0x80) !== 0,
    noFunctionCodeSupport: (i2 & 0x01) !== 0, objectUnknown: (i2 & 0x02) !== 0, parameterError: (i2 & 0x04) !== 0,
    eventBufferOverflow: (i2 & 0x08) !== 0, alreadyExecuting: (i2 & 0x10) !== 0, configCorrupt: (i2 & 0x20) !== 0,
  };
}

const MAX_OBJECTS = 64;

/** Device attributes (group 0, Annex A) an outstation reports about itself, by variation. */
const ATTRIBUTE_FIELDS: Partial<Record<number, 'firmwareVersion' | 'hardwareVersion' | 'name' | 'serial' | 'model' | 'vendor'>> = {
  242: 'firmwareVersion', // device manufacturer's software version
  243: 'hardwareVersion', // device manufacturer's hardware version
  247: 'name',            // user-assigned device name
  248: 'serial',          // device serial number
  250: 'model',           // device manufacturer's product name and model
  252: 'vendor',          // device manufacturer's name
};

/**
 * Walks the object headers of one application fragment (clause 4): group, variation, qualifier
 * (prefix code bits 6-4, range specifier code bits 3-0), the range field, then skips the objects.
 * Stops at the first header it cannot size, recording it with an anomaly.
 */
function walkObjects(b: Buffer, pos: number, end: number, withData: boolean, objects: Dnp3Object[], out: PduSink, ident: Identity | null): void {
  while (pos < end) {
    if (objects.length >= MAX_OBJECTS) return out.anomaly('dnp3.too_many_objects');
    if (end - pos < 3) return out.anomaly('dnp3.malformed_objects');
    const group = b[pos]!, variation = b[pos + 1]!, qualifier = b[pos + 2]!;
    pos += 3;
    const prefixCode = (qualifier >> 4) & 0x07, range = qualifier & 0x0f;
    let count = 0;
    let rangeLen: number;
    switch (range) {
      case 0: case 1: case 2: { // start and stop indices, 1/2/4 octets
        rangeLen = 1 << range;
        if (end - pos < 2 * rangeLen) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        const start = b.readUIntLE(pos, rangeLen), stop = b.readUIntLE(pos + rangeLen, rangeLen);
        if (stop < start) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        count = stop - start + 1;
        rangeLen *= 2;
        break;
      }
      case 3: case 4: case 5: // a single absolute address, 1/2/4 octets
        rangeLen = 1 << (range - 3);
        count = 1;
        break;
      case 6: rangeLen = 0; count = 0; break; // all points: no range field
      case 7: case 8: case 9: case 0xb: { // object count, 1/2/4 octets (0xB: variable-size objects)
        rangeLen = range === 0xb ? 1 : 1 << (range - 7);
        if (end - pos < rangeLen) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        count = b.readUIntLE(pos, rangeLen);
        break;
      }
      default:
        objects.push({ group, variation, qualifier, count: 0 });
        return out.anomaly('dnp3.malformed_objects'); // reserved range code
    }
    objects.push({ group, variation, qualifier, count });
    if (end - pos < rangeLen || (qualifier & 0x80) !== 0 || prefixCode === 7) return out.anomaly('dnp3.malformed_objects');
    pos += rangeLen;
    if (range === 6 && prefixCode !== 0) return out.anomaly('dnp3.malformed_objects');
    // Prefix octets per object: 1/2/4-octet index (codes 1-3) or object size (codes 4-6).
    const prefixLen = prefixCode === 0 ? 0 : 1 << ((prefixCode - 1) % 3);
    const sized = prefixCode >= 4;
    let size = withData && !sized ? objectSize(group, variation) : 0;
    if (size === undefined) return out.anomaly('dnp3.unknown_object');
    if (group === 60) size = 0; // class data selectors never carry data
    if (size === PACKED || size === PACKED2) {
      const bits = size === PACKED ? 1 : 2;
      const n = prefixLen === 0 ? Math.ceil((count * bits) / 8) : count * (prefixLen + 1);
      if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
      pos += n;
    } else if (size === BY_VARIATION || size >= 0) {
      const each = prefixLen + (size === BY_VARIATION ? variation : size);
      if (count * each > end - pos) return out.anomaly('dnp3.malformed_objects');
      if (!sized) { pos += count * each; continue; }
      // object-size prefixes: each object says how long it is
      for (let i = 0; i < count; i++) {
        if (end - pos < prefixLen) return out.anomaly('dnp3.malformed_objects');
        const n = b.readUIntLE(pos, prefixLen);
        pos += prefixLen;
        if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
        pos += n;
      }
    } else { // ATTRIBUTE: index prefix, then data type, length, value
      for (let i = 0; i < count; i++) {
        if (end - pos < prefixLen + 2) return out.anomaly('dnp3.malformed_objects');
        const type = b[pos + prefixLen]!, n = b[pos + prefixLen + 1]!;
        pos += prefixLen + 2;
        if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
        if (ident && type === 1 && n > 0) { // VSTR: a visible string
          const field = ATTRIBUTE_FIELDS[variation];
          if (field) ident[field] = b.toString('latin1', pos, pos + n).replace(/[\0 ]+$/, '');
        }
        pos += n;
      }
    }
  }
}

export interface Dnp3Pdu {
  proto: 'dnp3';
  kind: string;
  role?: 'request' | 'response' | 'notify';
  functionCode?: number;
  functionName?: string;
  op?: OpClass;
  exception?: { code: number; name: string };
  linkSource: number;
  linkDestination: number;
  linkFunctionCode: number;
  linkFunctionName: string;
  linkPrimary: boolean;
  linkFrames?: number;
  appSequence?: number;
  firstFragment?: boolean;
  finalFragment?: boolean;
  confirmRequested?: boolean;
  objects?: Dnp3Object[];
  iin?: Dnp3Iin;
  identity?: Identity;
  length?: number;
}

const IIN2_EXCEPTIONS: Array<[number, string]> = [[0x01, 'Function Code Not Supported'], [0x02, 'Object Unknown'], [0x04, 'Parameter Error']];

/** One reassembled application fragment (clause 4): AC, FC, IIN on responses, object headers. */
function decodeApplication(b: Buffer, len: number, link: LinkInfo, frames: number, out: PduSink): void {
  if (len < 2) return out.anomaly('dnp3.truncated');
  const ac = b[0]!, fc = b[1]!;
  const name = dnp3FunctionNames[fc];
  const response = fc >= 0x81 && fc <= 0x83;
  const p: Dnp3Pdu = {
    proto: 'dnp3', kind: KINDS[fc] ?? 'unknown',
    role: fc === 0x82 ? 'notify' : response || fc === 0 ? 'response' : 'request',
    functionCode: fc, functionName: name ?? `Unknown (${fc})`,
    linkSource: link.source, linkDestination: link.destination, linkFunctionCode: link.fc,
    linkFunctionName: linkPrimaryNames[link.fc] ?? 'Unknown', linkPrimary: true, linkFrames: frames,
    appSequence: ac & 0x0f, firstFragment: (ac & 0x80) !== 0, finalFragment: (ac & 0x40) !== 0, confirmRequested: (ac & 0x20) !== 0,
    objects: [],
  };
  const op = opOf(fc);
  if (op) p.op = op;
  let pos = 2;
  if (response) {
    if (len < 4) { out.anomaly('dnp3.truncated'); return out.pdu(p as never); }
    p.iin = iinOf(b[2]!, b[3]!);
    for (const [bit, why] of IIN2_EXCEPTIONS) if (b[3]! & bit) { p.exception = { code: bit, name: why }; break; }
    pos = 4;
  }
  if (name === undefined) {
    p.length = len;
    out.anomaly('dnp3.unknown_function');
    return out.pdu(p as never);
  }
  // Secure authentication (g120) objects carry their own sizes in 0x5B qualifiers; a confirm has none.
  // Only a response states facts about its sender; a write of attributes is the master's wish.
  const ident: Identity | null = response ? {} : null;
  walkObjects(b, pos, len, response || !HEADERS_ONLY.has(fc), p.objects!, out, ident);
  if (ident && Object.keys(ident).length > 0) p.identity = ident;
  // A write of the time and date (g50v1/v3) is time synchronisation, not a process write.
  if (fc === 2 && p.objects!.length > 0 && p.objects!.every((o) => o.group === 50)) p.op = 'diagnostic';
  out.pdu(p as never);
}

// ---------------------------------------------------------------- transport function, clause 8

interface LinkInfo { source: number; destination: number; fc: number }

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

const newAssembly = (): Assembly => ({ buf: null, len: 0, active: false, nextSeq: 0, frames: 0, source: 0, destination: 0 });

/** Decodes one link frame b[off, off+n) whose header CRC has been checked by frameDnp3's rules. */
function decodeLink(b: Buffer, dir: Direction, st: Dnp3State, out: PduSink): void {
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

/** Transport header (clause 8): FIN bit 7, FIR bit 6, sequence bits 5-0; then the segment's octets. */
function transport(b: Buffer, dataLen: number, link: LinkInfo, a: Assembly, out: PduSink): void {
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

const newState = (): Dnp3State => ({ dirs: [newAssembly(), newAssembly()] });

const ANOMALY_IDS: readonly AnomalyId[] = [
  'dnp3.truncated', 'dnp3.bad_link_crc', 'dnp3.bad_link_length', 'dnp3.no_start_bytes', 'dnp3.transport_sequence',
  'dnp3.fragment_too_long', 'dnp3.malformed_objects', 'dnp3.unknown_object', 'dnp3.too_many_objects', 'dnp3.unknown_function',
];

/** DNP3 over TCP: one link frame per framed PDU, transport reassembly in the flow's state. */
export const dnp3: StreamDissector<Dnp3State> = {
  id: 'dnp3',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 20000 }],
  anomalies: ANOMALY_IDS,
  maxPdu: MAX_FRAME,
  probe: (data) => probeDnp3(data),
  frame: (data) => frameDnp3(data),
  decode: (pdu, dir, state, out) => decodeLink(pdu, dir, state ?? newState(), out),
  newState,
};

/**
 * DNP3 over UDP (IEEE 1815-2012, IP networking annex): a datagram holds one or more whole link
 * frames. A separate object because a flow takes one dissector per table; it reports as proto 'dnp3'
 * and raises the 'dnp3.*' anomalies (so it declares none under its own id).
 */
export const dnp3udp: DatagramDissector<Dnp3State> = {
  id: 'dnp3udp',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: 20000 }],
  anomalies: [],
  probe: (data) => probeDnp3(data),
  decode(payload, dir, state, out) {
    const st = state ?? newState();
    let off = 0;
    while (off < payload.length) {
      const rest = off === 0 ? payload : payload.subarray(off);
      const n = frameDnp3(rest);
      if (n < 0) return out.anomaly('dnp3.no_start_bytes');
      if (n === 0 || n > rest.length) return out.anomaly('dnp3.truncated');
      decodeLink(rest.subarray(0, n), dir, st, out);
      if (n === HEADER && (rest[2]! < 5 || !crcOk(rest, 0, 8))) return; // a bad header: nothing after it is trusted
      off += n;
    }
  },
  newState,
};
