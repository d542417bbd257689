// DNS message format (RFC 1035 §4.1; AAAA RFC 3596, SRV RFC 2782), shared by three dissectors that
// differ only in port and a few header rules: unicast DNS (UDP 53), multicast DNS (RFC 6762, UDP 5353:
// opcode 0, the top class bit is "unicast response" in questions and "cache flush" in records) and
// LLMNR (RFC 4795, UDP 5355: opcode 0, its own C/T flag bits). NBNS (RFC 1002) reuses the decoder
// below with its own record data. Answers become name<->address facts the inventory can use.
import type { AnomalyId } from '../decode/anomalies.js';
import type { AppPdu, Identity } from '../decode/pdu.js';
import type { DatagramDissector, PduSink } from '../decode/types.js';
import { Reader, Truncated } from '../decode/reader.js';

/**
 * Bound (RFC 1035 §2.3.4): a name is at most 255 bytes on the wire. That alone bounds its labels (127
 * one-byte labels and the root make 255), so no label count is kept: one also counting the root
 * label refused the longest legal names.
 */
const MAX_NAME_BYTES = 255;
/** Pointers only ever point backwards (checked), so this bound is belt and braces. */
const MAX_JUMPS = 64;
/** Records decoded per message (all sections); a 1500-byte datagram cannot hold more than ~136. */
export const MAX_RECORDS = 256;
const MAX_TXT_STRINGS = 64;

/** Name errors end the message: the rest of it cannot be located reliably. */
export class NameError extends Error {
  constructor(readonly suffix: 'compression_loop' | 'bad_label' | 'name_too_long') {
    super(suffix);
  }
}

export const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA',
  33: 'SRV', 41: 'OPT', 47: 'NSEC', 255: 'ANY',
};

const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN',
  7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE',
};
const OPCODES: Record<number, string> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE', 6: 'DSO' };

export interface DnsQuestion {
  name: string;
  type: string | number;
  class: number;
  /** mDNS: the QU bit, the asker wants a unicast reply (RFC 6762 §5.4) */
  unicastResponse?: boolean;
}

export interface DnsRecord {
  name: string;
  type: string | number;
  class: number;
  ttl: number;
  /** mDNS: the cache-flush bit, this record replaces others of its name and type (RFC 6762 §10.2) */
  cacheFlush?: boolean;
  address?: string;
  target?: string;
  port?: number;
  priority?: number;
  weight?: number;
  txt?: string[];
  /** record data we do not interpret: its length */
  length?: number;
  [k: string]: unknown;
}

export interface DnsMessage {
  txid: number;
  flags: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

export const ipv4Text = (b: Buffer, o = 0) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run (>= 2) of zero groups as "::". */
export function ipv6Text(b: Buffer, o = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(o + i * 2));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

// Names already read in the message being parsed, by where they start: an answer's name is nearly
// always a pointer to the question's (RFC 1035 §4.1.4), so it is taken from here instead of being
// decoded again. Only while parseMessage runs (it sets cacheBuf); a name's read is deterministic
// given its bytes, and bytes before the reading position never change, so a hit is exact. With each
// name its wire length and pointer jumps are kept, so the bounds are checked as if
// it had been read again; a name near a bound is read again.
const CACHE = 8;
let cacheBuf: Buffer | null = null;
let cacheN = 0;
const cacheOff = new Int32Array(CACHE);
const cacheWire = new Int32Array(CACHE);
const cacheJumps = new Int32Array(CACHE);
const cacheName: string[] = new Array<string>(CACHE).fill('');

function cached(target: number): number {
  for (let k = 0; k < cacheN; k++) if (cacheOff[k] === target) return k;
  return -1;
}

/** ASCII names are assembled here and decoded with one native call (one per label cost more than the rest of a DNS decode). */
const scratch = Buffer.alloc(MAX_NAME_BYTES + 1);

/**
 * Reads a possibly compressed name at r.pos (RFC 1035 §4.1.4) and moves r past it (past the first
 * pointer, when there is one). A pointer must point strictly before the label sequence that holds
 * it, which rules out loops; names that break that, use reserved label types or exceed 255 bytes
 * throw NameError. Labels are decoded as UTF-8 (RFC 6762 §16 names are UTF-8; plain DNS is ASCII).
 */
export function readName(r: Reader): string {
  const buf = r.buf;
  const end = r.end;
  const start = r.pos;
  let pos = start;
  let seqStart = pos; // where the label sequence being read began: pointers must go below this
  let resume = -1;
  let wire = 0;
  let n = 0; // bytes of text in scratch
  let ascii = true;
  let tail: string | null = null; // the rest of the name, from the cache
  let jumps = 0;
  for (;;) {
    if (pos >= end) throw new Truncated(1, pos);
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 2 > end) throw new Truncated(2, pos);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= seqStart || ++jumps > MAX_JUMPS) throw new NameError('compression_loop');
      if (resume < 0) resume = pos + 2;
      const k = buf === cacheBuf ? cached(target) : -1;
      if (k >= 0 && wire + cacheWire[k]! <= MAX_NAME_BYTES && jumps + cacheJumps[k]! <= MAX_JUMPS) {
        tail = cacheName[k]!;
        wire += cacheWire[k]!;
        jumps += cacheJumps[k]!;
        break;
      }
      pos = seqStart = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new NameError('bad_label');
    wire += len + 1;
    if (wire > MAX_NAME_BYTES) throw new NameError('name_too_long');
    if (len === 0) { pos++; break; }
    if (pos + 1 + len > end) throw new Truncated(len, pos + 1);
    if (n > 0) scratch[n++] = 0x2e;
    for (let j = pos + 1; j <= pos + len; j++) {
      const c = buf[j]!;
      if (c >= 0x80) ascii = false;
      scratch[n++] = c;
    }
    pos += 1 + len;
  }
  let name: string;
  if (ascii) {
    name = n === 0 ? '' : scratch.toString('latin1', 0, n);
    if (tail !== null) name = n === 0 ? tail : `${name}.${tail}`;
  } else {
    name = nameText(buf, start); // the checks above passed: only the text is left to make
  }
  r.pos = resume >= 0 ? resume : pos;
  if (buf === cacheBuf && cacheN < CACHE) {
    cacheOff[cacheN] = start;
    cacheWire[cacheN] = wire;
    cacheJumps[cacheN] = jumps;
    cacheName[cacheN++] = name;
  }
  return name;
}

/** The text of a name that readName has checked already, each label decoded on its own (UTF-8 when not ASCII). */
function nameText(buf: Buffer, pos: number): string {
  let name = '';
  for (;;) {
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) { pos = ((len & 0x3f) << 8) | buf[pos + 1]!; continue; }
    if (len === 0) return name;
    if (name.length > 0) name += '.';
    name += label(buf, pos + 1, pos + 1 + len);
    pos += 1 + len;
  }
}

function label(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return buf.toString('utf8', start, end);
  return buf.toString('latin1', start, end);
}

/** Record data a dissector understands; returns false to have it kept as an opaque length. */
export type RdataDecoder = (type: number, rd: Reader, rec: DnsRecord) => boolean;

/** The RR types of RFC 1035, 3596 and 2782 that carry names and addresses. */
export const dnsRdata: RdataDecoder = (type, rd, rec) => {
  switch (type) {
    case 1: rec.address = ipv4Text(rd.bytes(4)); return true;
    case 28: rec.address = ipv6Text(rd.bytes(16)); return true;
    case 2: case 5: case 12: rec.target = readName(rd); return true;
    case 15: rec.priority = rd.u16(); rec.target = readName(rd); return true;
    case 33: rec.priority = rd.u16(); rec.weight = rd.u16(); rec.port = rd.u16(); rec.target = readName(rd); return true;
    case 16: {
      const txt: string[] = [];
      for (let i = 0; i < MAX_TXT_STRINGS && rd.left > 0; i++) txt.push(rd.bytes(rd.u8()).toString('utf8'));
      rec.txt = txt;
      return true;
    }
    default: return false;
  }
};

export interface ParseOptions {
  /** split the top class bit off as mDNS's QU / cache-flush flag */
  mdnsClassBit: boolean;
  rdata: RdataDecoder;
  typeName(type: number): string | number;
  /** called once when the counts exceed MAX_RECORDS */
  tooMany(): void;
}

/** Header, then every section; throws Truncated or NameError. */
export function parseMessage(buf: Buffer, o: ParseOptions): DnsMessage {
  cacheBuf = buf;
  cacheN = 0;
  try {
    return parseSections(buf, o);
  } finally {
    cacheBuf = null;
  }
}

function parseSections(buf: Buffer, o: ParseOptions): DnsMessage {
  const r = new Reader(buf);
  const txid = r.u16();
  const flags = r.u16();
  const qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
  // Every question takes at least 5 bytes and every record 11: counts that cannot fit are truncation
  // (or not DNS at all), found here rather than after decoding half a message.
  if (qd * 5 + (an + ns + ar) * 11 > r.left) throw new Truncated(qd * 5 + (an + ns + ar) * 11, r.pos);
  let budget = MAX_RECORDS;
  if (qd + an + ns + ar > MAX_RECORDS) o.tooMany();
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd && budget > 0; i++, budget--) {
    const name = readName(r);
    const type = r.u16();
    const cls = r.u16();
    const q: DnsQuestion = { name, type: o.typeName(type), class: o.mdnsClassBit ? cls & 0x7fff : cls };
    if (o.mdnsClassBit) q.unicastResponse = (cls & 0x8000) !== 0;
    questions.push(q);
  }
  const section = (n: number): DnsRecord[] => {
    const out: DnsRecord[] = [];
    for (let i = 0; i < n && budget > 0; i++, budget--) {
      const name = readName(r);
      const type = r.u16();
      const cls = r.u16();
      const ttl = r.u32();
      const rdlen = r.u16();
      r.need(rdlen);
      // record data is read inside its own bounds, but names in it may point anywhere earlier in
      // the message, so the sub-reader spans the whole buffer up to the end of the data
      const rd = new Reader(buf, r.pos, r.pos + rdlen);
      r.pos += rdlen;
      const rec: DnsRecord = { name, type: o.typeName(type), class: o.mdnsClassBit ? cls & 0x7fff : cls, ttl };
      if (o.mdnsClassBit && type !== 41) rec.cacheFlush = (cls & 0x8000) !== 0;
      if (!o.rdata(type, rd, rec)) rec.length = rdlen;
      out.push(rec);
    }
    return out;
  };
  const answers = section(an);
  const authority = section(ns);
  const additional = section(ar);
  return { txid, flags, questions, answers, authority, additional };
}

export interface DnsPdu extends AppPdu {
  txid: number;
  opcode: number;
  rcode: number;
  authoritative: boolean;
  truncatedFlag: boolean;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

type Variant = 'dns' | 'mdns' | 'llmnr';
const typeName = (t: number): string | number => TYPE_NAMES[t] ?? t;

function makeDissector(id: Variant, ports: number[]): DatagramDissector {
  const a = (s: string) => `${id}.${s}` as AnomalyId;
  return {
    id,
    kind: 'datagram',
    bindings: ports.map((value) => ({ table: 'udp.port' as const, value })),
    anomalies: ['truncated', 'bad_header', 'compression_loop', 'bad_label', 'name_too_long', 'too_many_records'].map(a),

    decode(payload: Buffer, _dir, _state, out: PduSink): void {
      if (payload.length < 12) throw new Truncated(12, 0);
      const flags = payload.readUInt16BE(2);
      const opcode = (flags >> 11) & 0xf;
      // mDNS and LLMNR only define opcode 0 (RFC 6762 §18.3, RFC 4795 §2.1.1); DNS a few more
      if (id === 'dns' ? OPCODES[opcode] === undefined : opcode !== 0) { out.anomaly(a('bad_header')); return; }
      let m: DnsMessage;
      try {
        m = parseMessage(payload, { mdnsClassBit: id === 'mdns', rdata: dnsRdata, typeName, tooMany: () => out.anomaly(a('too_many_records')) });
      } catch (err) {
        if (!(err instanceof NameError)) throw err;
        out.anomaly(a(err.suffix));
        return;
      }
      const response = (flags & 0x8000) !== 0;
      const rcode = flags & 0xf;
      const p: DnsPdu = {
        proto: id, kind: response ? 'response' : 'query',
        role: response ? 'response' : 'request',
        functionCode: opcode, functionName: OPCODES[opcode]!, op: 'discovery',
        txid: m.txid, opcode, rcode,
        authoritative: (flags & 0x0400) !== 0,
        truncatedFlag: (flags & 0x0200) !== 0,
        questions: m.questions, answers: m.answers, authority: m.authority, additional: m.additional,
      };
      if (response && rcode !== 0) p.exception = { code: rcode, name: RCODES[rcode] ?? `RCODE${rcode}` };
      // mDNS and LLMNR responders answer for their own names (RFC 6762 §6, RFC 4795 §2.1): the first
      // address record says which host holds which name. Unicast DNS answers describe remote names.
      if (response && id !== 'dns') {
        const rec = [...m.answers, ...m.additional].find((x) => (x.type === 'A' || x.type === 'AAAA') && x.address);
        if (rec) {
          const identity: Identity = { name: rec.name, about: rec.address as string };
          p.identity = identity;
        }
      }
      out.pdu(p);
    },
  };
}

export const dns = makeDissector('dns', [53]);
export const mdns = makeDissector('mdns', [5353]);
export const llmnr = makeDissector('llmnr', [5355]);
