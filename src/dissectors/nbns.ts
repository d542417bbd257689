// NetBIOS name service (RFC 1001 §15, RFC 1002 §4.2) on UDP 137: DNS's message layout (decoded by
// the shared decoder in dns.ts) with NetBIOS names first-level encoded (RFC 1001 §14.1: each of the
// 16 name bytes as two letters 'A'+nibble; the 16th byte is the service suffix, shown as <xx>) and
// its own record data: NB (0x20, flags + IPv4 address per entry) and NBSTAT (0x21, the node's name
// table and MAC address). Registrations and positive answers tie a NetBIOS name to an address.
import type { AnomalyId } from '../decode/anomalies.js';
import type { AppPdu, Identity } from '../decode/pdu.js';
import type { DatagramDissector, PduSink } from '../decode/types.js';
import { Truncated } from '../decode/reader.js';
import { type DnsQuestion, type DnsRecord, ipv4Text, NameError, parseMessage, type RdataDecoder } from './dns.js';

const MAX_NB_ENTRIES = 64;

const OPCODES: Record<number, string> = {
  0: 'query', 5: 'registration', 6: 'release', 7: 'wack', 8: 'refresh', 9: 'refresh', 15: 'multihomed_registration',
};
const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 10: 'NULL', 32: 'NB', 33: 'NBSTAT' };
const RCODES: Record<number, string> = { 1: 'FMT_ERR', 2: 'SRV_ERR', 3: 'NAM_ERR', 4: 'IMP_ERR', 5: 'RFS_ERR', 6: 'ACT_ERR', 7: 'CFT_ERR' };
/** RFC 1002 §4.2.1.3 NB_FLAGS ONT: how the owner resolves names. */
const NODE_TYPES = ['B', 'P', 'M', 'H'];

/** "NAME<xx>" from a 32-letter encoded label, or null when it is not one. */
function netbiosName(label: string): string | null {
  if (label.length !== 32) return null;
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 2) {
    const hi = label.charCodeAt(i) - 0x41, lo = label.charCodeAt(i + 1) - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return null;
    bytes.push((hi << 4) | lo);
  }
  const suffix = bytes[15]!;
  const name = Buffer.from(bytes.slice(0, 15)).toString('latin1').replace(/[ \0]+$/, '');
  return `${name}<${suffix.toString(16).padStart(2, '0')}>`;
}

const rdata: RdataDecoder = (type, rd, rec) => {
  if (type === 32) {
    // RFC 1002 §4.2.2: NB_FLAGS (G bit, ONT) then NB_ADDRESS, repeated for multi-homed hosts
    const entries: Array<{ address: string; group: boolean; nodeType: string }> = [];
    for (let i = 0; i < MAX_NB_ENTRIES && rd.left >= 6; i++) {
      const f = rd.u16();
      entries.push({ address: ipv4Text(rd.bytes(4)), group: (f & 0x8000) !== 0, nodeType: NODE_TYPES[(f >> 13) & 3]! });
    }
    rec.entries = entries;
    if (entries[0]) rec.address = entries[0].address;
    return true;
  }
  if (type === 33 && rd.left >= 1) {
    // RFC 1002 §4.2.18: NUM_NAMES, NODE_NAME entries (15 name bytes, suffix, flags), statistics
    // whose first 6 bytes are the unit id, the adapter's MAC address
    const n = rd.u8();
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const raw = rd.bytes(16);
      rd.skip(2);
      names.push(`${raw.toString('latin1', 0, 15).replace(/[ \0]+$/, '')}<${raw[15]!.toString(16).padStart(2, '0')}>`);
    }
    rec.names = names;
    if (rd.left >= 6) rec.mac = Array.from(rd.bytes(6), (x) => x.toString(16).padStart(2, '0')).join(':');
    return true;
  }
  if (type === 1 && rd.left === 4) { rec.address = ipv4Text(rd.bytes(4)); return true; }
  return false;
};

export interface NbnsPdu extends AppPdu {
  proto: 'nbns';
  txid: number;
  opcode: number;
  rcode: number;
  broadcast: boolean;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

const a = (s: string) => `nbns.${s}` as AnomalyId;

export const nbns: DatagramDissector = {
  id: 'nbns',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: 137 }],
  anomalies: ['nbns.truncated', 'nbns.bad_header', 'nbns.bad_name', 'nbns.compression_loop', 'nbns.bad_label', 'nbns.name_too_long', 'nbns.too_many_records'],

  decode(payload: Buffer, _dir, _state, out: PduSink): void {
    if (payload.length < 12) throw new Truncated(12, 0);
    const flags = payload.readUInt16BE(2);
    const opcode = (flags >> 11) & 0xf;
    const opName = OPCODES[opcode];
    if (opName === undefined) { out.anomaly(a('bad_header')); return; }
    let m;
    try {
      m = parseMessage(payload, {
        mdnsClassBit: false, rdata, typeName: (t) => TYPE_NAMES[t] ?? t, tooMany: () => out.anomaly(a('too_many_records')),
      });
    } catch (err) {
      if (!(err instanceof NameError)) throw err;
      out.anomaly(a(err.suffix));
      return;
    }
    // Names: the first label is the encoded NetBIOS name, any further labels the scope id
    let bad = false;
    const decodeName = (wire: string): string => {
      const dot = wire.indexOf('.');
      const first = dot < 0 ? wire : wire.slice(0, dot);
      const nb = netbiosName(first);
      if (nb === null) { bad = true; return wire; }
      return dot < 0 ? nb : `${nb}.${wire.slice(dot + 1)}`;
    };
    for (const q of m.questions) q.name = decodeName(q.name);
    for (const r of [...m.answers, ...m.authority, ...m.additional]) r.name = decodeName(r.name);
    // Every NBNS name is first-level encoded, even NBSTAT's wildcard "*" (RFC 1002 §4.2.17): one
    // that is not means this is not NBNS, and no PDU is made of it
    if (bad) { out.anomaly(a('bad_name')); return; }

    const response = (flags & 0x8000) !== 0;
    const rcode = flags & 0xf;
    const p: NbnsPdu = {
      proto: 'nbns', kind: response ? `${opName}_response` : opName,
      role: response ? 'response' : 'request',
      functionCode: opcode, functionName: opName, op: 'discovery',
      txid: m.txid, opcode, rcode, broadcast: (flags & 0x0010) !== 0,
      questions: m.questions, answers: m.answers, authority: m.authority, additional: m.additional,
    };
    if (response && rcode !== 0) p.exception = { code: rcode, name: RCODES[rcode] ?? `RCODE${rcode}` };
    // A registration request (its NB record in the additional section) or a positive answer states
    // which address holds the name: the host's own NetBIOS name, unless it is a group name.
    const claim = (response && rcode === 0 ? m.answers : !response && opcode !== 0 ? m.additional : [])
      .find((r) => r.type === 'NB' && r.address && !(r.entries as Array<{ group: boolean }>)[0]?.group);
    if (claim) {
      const identity: Identity = { name: claim.name.replace(/<[0-9a-f]{2}>.*$/, ''), about: claim.address as string };
      p.identity = identity;
    }
    out.pdu(p);
  },
};
