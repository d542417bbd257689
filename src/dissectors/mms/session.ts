// MMS over the OSI upper layers, one COTP TSDU at a time (IEC 61850-8-1 §6 profile; ISO/IEC 9506 over
// ISO 8327-1 session, ISO 8823 presentation and ISO 8650 ACSE):
//
//   session (ISO 8327-1 §8.3)   SI u8, LI (u8, or 0xFF and u16), parameters (PI/PGI code, LI, value);
//       CONNECT 0x0D / ACCEPT 0x0E carry the presentation CP-type / CPA-PPDU in PGI 193 (User Data,
//       or 194 Extended User Data); FINISH 0x09, DISCONNECT 0x0A, NOT FINISHED 0x08 and ABORT 0x19
//       carry presentation user data in PGI 193; REFUSE 0x0C its reason in PI 50 (a CPR-PPDU after
//       reason 2). Data goes as GIVE TOKENS + DATA TRANSFER (01 00 01 00, §6.3.7 concatenation of a
//       category 0 and a category 2 SPDU) with the presentation PPDU as the user information after them.
//   presentation (ISO 8823 §8)  CP-type SET { mode-selector [0], normal-mode-parameters [2] { calling/called
//       selector [1]/[2], context list [4], ..., user-data } }; CPA-PPDU SET { ..., [2] { responding
//       selector [3], result list [5], ..., user-data } }; User-data: fully-encoded-data [APPLICATION 1]
//       SEQUENCE OF PDV-list { transfer-syntax OID OPTIONAL, context id INTEGER, single-ASN1-type [0] |
//       octet-aligned [1] | arbitrary [2] }.
//   ACSE in the PDVs of the connect and release phases (acse.ts), MMS in the others (pdu.ts).
//
// Which PDV holds what is told by its first tag, not by remembered context ids: ACSE APDUs are
// APPLICATION-class, MMS PDUs context-class, so a capture that starts mid-association decodes too.
// MMS sent straight in the TSDU (no session/presentation, as some test tools do) is decoded as well.
import type { AnomalyId } from '../../decode/anomalies.js';
import { BerError, BerReader, berInt, berOid, type Tlv } from '../../decode/ber.js';
import type { AppPdu } from '../../decode/pdu.js';
import { Truncated } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { decodeAcse, type AcseInfo } from './acse.js';
import { OID_NAMES, REFUSE_REASONS, SPDU_NAMES } from './names.js';
import { decodeMmsPdu, MMS_PDU_TAGS } from './pdu.js';
import { newMmsState, type MmsState } from './state.js';

/** A malformed session SPDU or presentation PPDU: the anomaly to raise. */
class LayerError extends Error {
  constructor(readonly id: AnomalyId) { super(id); }
}

/** PDVs decoded from one fully-encoded user data (normally one). */
const MAX_PDVS = 8;

const SI_CN = 0x0d, SI_AC = 0x0e, SI_RF = 0x0c, SI_FN = 0x09, SI_DN = 0x0a, SI_NF = 0x08, SI_AB = 0x19, SI_AA = 0x1a, SI_TD = 0x21;
/** GIVE TOKENS (category 0) and DATA TRANSFER (category 2) share the code 1 (§8.3.5, §8.3.6). */
const SI_GT = 0x01, SI_DT = 0x01, SI_PT = 0x02;

/** Does a TSDU starting with this byte belong to MMS: an ISO session SPDU or a bare MMS PDU? */
export function isMmsTsdu(first: number): boolean {
  return SPDU_NAMES[first] !== undefined || MMS_PDU_TAGS.has(first);
}

interface Spdu {
  si: number;
  /** parameters, PGI contents flattened: code -> [start, end) of its value (first occurrence) */
  params: Map<number, [number, number]>;
  /** end of the SPDU header (parameters); user information of category 2 SPDUs follows */
  end: number;
}

/** Length indicator (ISO 8327-1 §8.2.5): one octet, or 0xFF followed by two. */
function li(buf: Buffer, pos: number, end: number): [number, number] {
  if (pos >= end) throw new LayerError('mms.bad_spdu');
  const b = buf[pos]!;
  if (b !== 0xff) return [b, pos + 1];
  if (pos + 3 > end) throw new LayerError('mms.bad_spdu');
  return [buf.readUInt16BE(pos + 1), pos + 3];
}

/** Parameters in [pos, end): PI units, and PGI units (codes 1 and 5 hold PIs of their own) flattened. */
function params(buf: Buffer, pos: number, end: number, into: Map<number, [number, number]>, depth = 0): void {
  while (pos < end) {
    const code = buf[pos]!;
    const [n, v] = li(buf, pos + 1, end);
    if (v + n > end) throw new LayerError('mms.bad_spdu');
    if ((code === 1 || code === 5) && depth === 0) params(buf, v, v + n, into, 1);
    if (!into.has(code)) into.set(code, [v, v + n]);
    pos = v + n;
  }
}

function readSpdu(buf: Buffer, pos: number, end: number): Spdu {
  const si = buf[pos]!;
  const [n, v] = li(buf, pos + 1, end);
  if (v + n > end) throw new LayerError('mms.bad_spdu');
  const map = new Map<number, [number, number]>();
  params(buf, v, v + n, map);
  return { si, params: map, end: v + n };
}

const hex = (buf: Buffer, r: [number, number] | undefined) => (r ? buf.toString('hex', r[0], Math.min(r[1], r[0] + 32)) : undefined);

/** What one TSDU decodes to, emitted only when the whole TSDU decoded. */
interface Ctx {
  buf: Buffer;
  dir: Direction;
  st: MmsState;
  pdus: AppPdu[];
  anomalies: AnomalyId[];
}

/** The MMS PDU or ACSE APDU of one presentation data value `t` (its first element). */
function pdv(c: Ctx, start: number, end: number): { mms?: AppPdu; acse?: AcseInfo } {
  if (start >= end) throw new LayerError('mms.bad_ppdu');
  const first = c.buf[start]!;
  if ((first & 0xc0) === 0x40) { // APPLICATION class: ACSE
    const r = new BerReader(c.buf, start, end, true);
    const acse = decodeAcse(c.buf, r.next());
    if (r.more) throw new BerError('overrun', r.pos);
    const mms = acse.user ? decodeMmsPdu(c.buf, acse.user.start, acse.user.end, c.dir, c.st, (id) => c.anomalies.push(id)) ?? undefined : undefined;
    return { acse, mms };
  }
  const mms = decodeMmsPdu(c.buf, start, end, c.dir, c.st, (id) => c.anomalies.push(id));
  return mms ? { mms } : {};
}

/** User-data CHOICE { simply-encoded-data [APPLICATION 0], fully-encoded-data [APPLICATION 1] }. */
function userData(c: Ctx, t: Tlv): Array<{ mms?: AppPdu; acse?: AcseInfo }> {
  if (t.id === 0x60) return [pdv(c, t.start, t.end)];
  if (t.id !== 0x61) throw new LayerError('mms.bad_ppdu');
  const out = [];
  for (const r = new BerReader(c.buf, t.start, t.end); r.more && out.length < MAX_PDVS;) {
    const list = r.next();
    if (list.id !== 0x30) throw new LayerError('mms.bad_ppdu');
    let value: Tlv | undefined;
    for (const f = new BerReader(c.buf, list.start, list.end); f.more;) {
      const e = f.next();
      if (e.id === 0xa0 || e.id === 0x81) value = e; // single-ASN1-type [0] / octet-aligned [1]
    }
    if (!value) throw new LayerError('mms.bad_ppdu');
    out.push(pdv(c, value.start, value.end));
  }
  if (out.length === 0) throw new LayerError('mms.bad_ppdu');
  return out;
}

/** A whole presentation PPDU in buf[start, end): exactly one BER element. */
function ppdu(c: Ctx, start: number, end: number): Tlv {
  if (start >= end) throw new LayerError('mms.bad_ppdu');
  const r = new BerReader(c.buf, start, end, true);
  const t = r.next();
  if (r.more) throw new LayerError('mms.bad_ppdu');
  return t;
}

/** CP-type / CPA-PPDU (SET) and CPR-PPDU (SEQUENCE): selectors, contexts, results, and their user data. */
function connectPpdu(c: Ctx, t: Tlv, facts: Record<string, unknown>, refuse = false): Array<{ mms?: AppPdu; acse?: AcseInfo }> {
  if (t.id !== (refuse ? 0x30 : 0x31)) throw new LayerError('mms.bad_ppdu');
  const b = c.buf;
  let normal: Tlv | undefined = t.id === 0x30 ? t : undefined;
  for (const r = new BerReader(b, t.start, t.end); r.more;) {
    const e = r.next();
    if (e.id === 0xa0) facts.mode = berInt(b, new BerReader(b, e.start, e.end).next()) === 1 ? 'normal' : 'x410-1984';
    else if (e.id === 0xa2) normal = e;
  }
  if (!normal) return [];
  let data: Array<{ mms?: AppPdu; acse?: AcseInfo }> = [];
  for (const r = new BerReader(b, normal.start, normal.end); r.more;) {
    const e = r.next();
    switch (e.id) {
      case 0x81: facts.callingSelector = b.toString('hex', e.start, e.end); break;
      case 0x82: facts.calledSelector = b.toString('hex', e.start, e.end); break;
      case 0x83: facts.respondingSelector = b.toString('hex', e.start, e.end); break;
      case 0xa4: { // presentation-context-definition-list: SEQUENCE OF { id, abstract syntax, transfer syntaxes }
        const ctxs = [];
        for (const l = new BerReader(b, e.start, e.end); l.more && ctxs.length < 16;) {
          const item = l.next();
          const f = new BerReader(b, item.start, item.end);
          const id = berInt(b, f.next());
          const as = berOid(b, f.next());
          ctxs.push({ id, abstractSyntax: as, ...(OID_NAMES[as] ? { name: OID_NAMES[as] } : {}) });
        }
        facts.contexts = ctxs;
        break;
      }
      case 0xa5: { // result list: SEQUENCE OF { result [0] (0 acceptance, 1 user-rejection, 2 provider-rejection), ... }
        const res = [];
        for (const l = new BerReader(b, e.start, e.end); l.more && res.length < 16;) {
          const item = l.next();
          const f = new BerReader(b, item.start, item.end).next();
          res.push(['acceptance', 'user-rejection', 'provider-rejection'][berInt(b, f)] ?? String(berInt(b, f)));
        }
        facts.contextResults = res;
        break;
      }
      case 0x8a: facts.providerReason = berInt(b, e); break;
      case 0x60: case 0x61: data = userData(c, e); break;
      default: break;
    }
  }
  return data;
}

/** Builds the PDU a session event reports: the MMS PDU inside when there is one, else a session-level PDU. */
function report(c: Ctx, spdu: Spdu, layers: Array<{ mms?: AppPdu; acse?: AcseInfo }>, fallback: [string, string, AppPdu['role']], extra: Record<string, unknown>): void {
  const acse = layers.find((l) => l.acse)?.acse;
  const mms = layers.find((l) => l.mms)?.mms;
  const p: AppPdu = mms ?? { proto: 'mms', kind: fallback[0], role: fallback[2], functionName: fallback[1], op: 'session' };
  Object.assign(p, extra);
  if (acse) {
    const { credentials, ...facts } = acse.facts;
    p.acse = { apdu: acse.apdu, ...facts };
    if (credentials) p.credentials = credentials;
  }
  p.spdu = SPDU_NAMES[spdu.si];
  c.pdus.push(p);
}

/** A category 1 SPDU of the connect, release or abort phase. */
function connectionSpdu(c: Ctx, spdu: Spdu): void {
  const b = c.buf, pm = spdu.params;
  const ud = pm.get(193) ?? pm.get(194);
  switch (spdu.si) {
    case SI_CN: case SI_AC: {
      const session: Record<string, unknown> = {};
      const calling = hex(b, pm.get(51)), called = hex(b, pm.get(52));
      if (calling !== undefined) session.callingSelector = calling;
      if (called !== undefined) session.calledSelector = called;
      const ver = pm.get(22);
      if (ver && ver[1] > ver[0]) session.version = b[ver[0]]!; // PI 22: bit 1 version 1, bit 2 version 2
      const presentation: Record<string, unknown> = {};
      const layers = ud ? connectPpdu(c, ppdu(c, ud[0], ud[1]), presentation) : [];
      const cn = spdu.si === SI_CN;
      report(c, spdu, layers, cn ? ['associate_request', 'Connect', 'request'] : ['associate_response', 'Accept', 'response'], { session, presentation });
      return;
    }
    case SI_RF: { // PI 50 reason code: first octet the reason, then (reason 2) the CPR-PPDU
      const r = pm.get(50);
      const extra: Record<string, unknown> = {};
      let layers: Array<{ mms?: AppPdu; acse?: AcseInfo }> = [];
      if (r && r[1] > r[0]) {
        extra.refuseReason = b[r[0]]!;
        extra.refuseReasonName = REFUSE_REASONS[b[r[0]]!] ?? `reason ${b[r[0]]}`;
        if (r[1] > r[0] + 1) layers = connectPpdu(c, ppdu(c, r[0] + 1, r[1]), (extra.presentation = {}) as Record<string, unknown>, true);
      }
      report(c, spdu, layers, ['refuse', 'Refuse', 'response'], extra);
      return;
    }
    case SI_FN: case SI_DN: case SI_NF: case SI_AB: {
      let layers: Array<{ mms?: AppPdu; acse?: AcseInfo }> = [];
      const extra: Record<string, unknown> = {};
      if (ud) {
        const t = ppdu(c, ud[0], ud[1]);
        if (spdu.si !== SI_AB) layers = userData(c, t);
        else if (t.id === 0xa0) { // ARU-PPDU normal mode { context list [0], user-data }
          for (const r = new BerReader(b, t.start, t.end); r.more;) {
            const e = r.next();
            if (e.id === 0x61 || e.id === 0x60) layers = userData(c, e);
          }
        } else if (t.id === 0x30) { // ARP-PPDU { provider-reason [0], event-identifier [1] }
          const r = new BerReader(b, t.start, t.end);
          while (r.more) {
            const e = r.next();
            if (e.id === 0x80) extra.providerReason = berInt(b, e);
          }
        } else throw new LayerError('mms.bad_ppdu');
      }
      const names: Record<number, [string, string, AppPdu['role']]> = {
        [SI_FN]: ['release_request', 'Release Request', 'request'], [SI_DN]: ['release_response', 'Release Response', 'response'],
        [SI_NF]: ['release_refused', 'Release Refused', 'response'], [SI_AB]: ['abort', 'Abort', 'notify'],
      };
      report(c, spdu, layers, names[spdu.si]!, extra);
      return;
    }
    case SI_AA:
      report(c, spdu, [], ['abort_accept', 'Abort Accept', 'response'], {});
      return;
    default:
      return; // activity, synchronisation, capability data: not used by MMS, nothing to report
  }
}

/** Data phase: the presentation user data after GIVE TOKENS + DATA TRANSFER (or TYPED DATA). */
function dataSpdu(c: Ctx, start: number, end: number): void {
  for (const l of userData(c, ppdu(c, start, end))) if (l.mms) c.pdus.push(l.mms);
}

function tsdu(c: Ctx): void {
  const b = c.buf, end = b.length;
  const first = b[0]!;
  if (MMS_PDU_TAGS.has(first)) { // MMS straight on COTP, without the session and presentation layers
    const p = decodeMmsPdu(b, 0, end, c.dir, c.st, (id) => c.anomalies.push(id));
    if (p) c.pdus.push(p);
    return;
  }
  if (SPDU_NAMES[first] === undefined) throw new LayerError('mms.unknown_spdu');
  const s = readSpdu(b, 0, end);
  if (s.si === SI_GT || s.si === SI_PT) { // category 0 (GIVE TOKENS, PLEASE TOKENS), then a category 2 SPDU
    if (s.end === end) return; // tokens alone: nothing for the application
    if (b[s.end] === 0x61 || b[s.end] === 0x60) return dataSpdu(c, s.end, end); // DT without its GT (lenient)
    if (SPDU_NAMES[b[s.end]!] === undefined) throw new LayerError('mms.unknown_spdu');
    const d = readSpdu(b, s.end, end);
    if (d.si === SI_DT) return dataSpdu(c, d.end, end);
    return; // other category 2 SPDUs (synchronisation, activities) carry nothing MMS uses
  }
  if (s.end !== end && s.si !== SI_TD) throw new LayerError('mms.bad_spdu'); // category 1 SPDUs stand alone
  if (s.si === SI_TD) return dataSpdu(c, s.end, end);
  connectionSpdu(c, s);
}

const BER_ANOMALY: Record<string, AnomalyId> = { too_deep: 'mms.ber_too_deep', too_many: 'mms.too_many_elements' };

/**
 * Decodes one COTP TSDU of an MMS connection: emits its PDU(s), or anomalies and nothing else when
 * any layer is malformed. Never throws.
 */
export function decodeMmsTsdu(data: Buffer, dir: Direction, state: MmsState | null, out: PduSink): MmsState {
  const st = state ?? newMmsState();
  const c: Ctx = { buf: data, dir, st, pdus: [], anomalies: [] };
  try {
    tsdu(c);
  } catch (err) {
    if (err instanceof LayerError) out.anomaly(err.id);
    else if (err instanceof BerError) out.anomaly(BER_ANOMALY[err.problem] ?? 'mms.bad_ber');
    else if (err instanceof Truncated) out.anomaly('mms.truncated');
    else throw err;
    return st;
  }
  for (const id of c.anomalies) out.anomaly(id);
  for (const p of c.pdus) out.pdu(p);
  return st;
}
