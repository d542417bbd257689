// ACSE (ISO 8650-1 / X.227) APDUs on an MMS association, BER-encoded with APPLICATION tags:
//   [APPLICATION 0] AARQ  protocol-version [0], application-context-name [1], called AP-title [2] /
//                         AE-qualifier [3] / invocation ids [4][5], calling AP-title [6] / AE-qualifier [7] /
//                         invocation ids [8][9], sender-acse-requirements [10], mechanism-name [11],
//                         calling-authentication-value [12], ..., user-information [30]
//   [APPLICATION 1] AARE  ..., result [2], result-source-diagnostic [3], responding AP-title [4] /
//                         AE-qualifier [5], ..., mechanism-name [9], ..., user-information [30]
//   [APPLICATION 2] RLRQ  reason [0], user-information [30];  [APPLICATION 3] RLRE  the same
//   [APPLICATION 4] ABRT  abort-source [0], abort-diagnostic [1], user-information [30]
// user-information is Association-information: SEQUENCE OF EXTERNAL (X.690 §8.18), whose
// single-ASN1-type [0] or octet-aligned [1] encoding carries the MMS initiate PDU.
import { BerError, BerReader, berInt, berOid, berText, type Tlv } from '../../decode/ber.js';
import { passwordStrength } from '../http.js';
import { ABORT_SOURCES, ASSOCIATE_RESULTS, OID_NAMES, RELEASE_REQUEST_REASONS, RELEASE_RESPONSE_REASONS } from './names.js';

export interface AcseInfo {
  apdu: 'aarq' | 'aare' | 'rlrq' | 'rlre' | 'abrt';
  /** the facts reported on the PDU as `acse` */
  facts: Record<string, unknown>;
  /** the MMS PDU carried in user-information, as a range of the buffer */
  user?: { start: number; end: number };
}

const APDUS = ['aarq', 'aare', 'rlrq', 'rlre', 'abrt'] as const;

/** AP-title: form2 is an OBJECT IDENTIFIER (the usual IEC 61850 form); form1 (a directory Name) is shown as "name". */
function apTitle(buf: Buffer, t: Tlv): string {
  const c = new BerReader(buf, t.start, t.end).next();
  return c.id === 0x06 ? berOid(buf, c) : 'name';
}

/** AE-qualifier form2: an INTEGER inside the explicit tag. */
function aeQualifier(buf: Buffer, t: Tlv): number | undefined {
  const c = new BerReader(buf, t.start, t.end).next();
  return c.id === 0x02 ? berInt(buf, c) : undefined;
}

/** The first EXTERNAL of user-information whose encoding is single-ASN1-type [0] or octet-aligned [1]. */
function userInformation(buf: Buffer, t: Tlv): { start: number; end: number } | undefined {
  for (const r = new BerReader(buf, t.start, t.end); r.more;) {
    const ext = r.next();
    if (ext.id !== 0x28) throw new BerError('value', ext.start);
    for (const e = new BerReader(buf, ext.start, ext.end); e.more;) {
      const f = e.next();
      if (f.id === 0xa0 || f.id === 0x81) return { start: f.start, end: f.end };
    }
  }
  return undefined;
}

/** The ACSE APDU `t` (APPLICATION class 0-4). Passwords are measured, never kept. */
export function decodeAcse(buf: Buffer, t: Tlv): AcseInfo {
  const apdu = APDUS[t.tag];
  if (t.cls !== 1 || !t.constructed || !apdu) throw new BerError('value', t.start);
  const facts: Record<string, unknown> = {};
  const info: AcseInfo = { apdu, facts };
  const aarq = apdu === 'aarq', aare = apdu === 'aare';
  for (const r = new BerReader(buf, t.start, t.end); r.more;) {
    const e = r.next();
    if (e.id === 0xbe) { info.user = userInformation(buf, e); continue; }
    if (aarq || aare) {
      switch (e.id) {
        case 0xa1: {
          const oid = berOid(buf, new BerReader(buf, e.start, e.end).next());
          facts.applicationContext = oid;
          if (OID_NAMES[oid]) facts.applicationContextName = OID_NAMES[oid];
          break;
        }
        case 0xa2:
          if (aarq) facts.calledApTitle = apTitle(buf, e);
          else {
            const v = berInt(buf, new BerReader(buf, e.start, e.end).next());
            facts.result = v;
            facts.resultName = ASSOCIATE_RESULTS[v] ?? String(v);
          }
          break;
        case 0xa3:
          if (aarq) facts.calledAeQualifier = aeQualifier(buf, e);
          else { // result-source-diagnostic CHOICE { acse-service-user [1], acse-service-provider [2] }
            const s = new BerReader(buf, e.start, e.end).next();
            facts.diagnosticSource = s.tag === 1 ? 'acse-service-user' : s.tag === 2 ? 'acse-service-provider' : String(s.tag);
            facts.diagnostic = berInt(buf, new BerReader(buf, s.start, s.end).next());
          }
          break;
        case 0xa4: if (aare) facts.respondingApTitle = apTitle(buf, e); break;
        case 0xa5: if (aare) facts.respondingAeQualifier = aeQualifier(buf, e); break;
        case 0xa6: if (aarq) facts.callingApTitle = apTitle(buf, e); break;
        case 0xa7: if (aarq) facts.callingAeQualifier = aeQualifier(buf, e); break;
        case 0x8b: case 0x89: // mechanism-name (AARQ [11], AARE [9])
          if ((aarq && e.id === 0x8b) || (aare && e.id === 0x89)) facts.authenticationMechanism = berOid(buf, e);
          break;
        case 0xac: if (aarq) authentication(buf, e, facts); break;
        default: break;
      }
    } else if (e.id === 0x80) {
      const v = berInt(buf, e);
      if (apdu === 'rlrq') facts.reason = RELEASE_REQUEST_REASONS[v] ?? String(v);
      else if (apdu === 'rlre') facts.reason = RELEASE_RESPONSE_REASONS[v] ?? String(v);
      else facts.abortSource = ABORT_SOURCES[v] ?? String(v);
    } else if (e.id === 0x81 && apdu === 'abrt') facts.abortDiagnostic = berInt(buf, e);
  }
  return info;
}

/**
 * calling-authentication-value [12] Authentication-value CHOICE { charstring [0] GraphicString, bitstring [1],
 * external [2], other [3] }: a charstring is a password (ISO 8650 "password-1" mechanism); IEC 61850
 * clients send it in clear text, which the detection rules want to know, but its value is never kept.
 */
function authentication(buf: Buffer, t: Tlv, facts: Record<string, unknown>): void {
  const v = new BerReader(buf, t.start, t.end).next();
  facts.authentication = ['password', 'bitstring', 'external', 'other'][v.tag] ?? 'other';
  if (v.tag === 0 && !v.constructed) {
    const pw = berText(buf, v, 4096);
    facts.credentials = { protocol: 'MMS', user: '', passwordLength: v.end - v.start, passwordStrength: passwordStrength(pw) };
  }
}
