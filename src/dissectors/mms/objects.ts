// The MMS types that many services share (ISO 9506-2): ObjectName (§7.5.1), VariableAccessSpecification
// and VariableSpecification (§14.1), AccessResult / DataAccessError (§14.4), FileName (Annex D),
// ServiceError (§7.4). Each reader takes one BER element and returns plain values; a shape the
// standard does not allow is a BerError('value'), which the caller reports as malformed.
import { BerError, BerReader, berInt, berText, UNIVERSAL, type Tlv } from '../../decode/ber.js';
import { DATA_ACCESS_ERRORS, errorClasses } from './names.js';

/** Entries listed per PDU (variables, names, files); a longer list is cut and counted. */
export const MAX_LIST = 512;
/** Results whose values are looked at (report ids, nameplate strings). */
export const MAX_VALUES = 16;

export interface ObjectName {
  scope: 'vmd' | 'domain' | 'aa';
  /** domain-specific names: the domain (in IEC 61850 the logical device) */
  domain?: string;
  item: string;
}

/** An Identifier (VisibleString, §7.5.1) or other character string, as text. */
export function identifier(buf: Buffer, t: Tlv): string {
  if (t.constructed) throw new BerError('value', t.start);
  return berText(buf, t, 256);
}

/** ObjectName ::= CHOICE { vmd-specific [0] IMPLICIT Identifier, domain-specific [1] IMPLICIT SEQUENCE { domainId, itemId }, aa-specific [2] IMPLICIT Identifier } */
export function objectName(buf: Buffer, t: Tlv): ObjectName {
  switch (t.id) {
    case 0x80: return { scope: 'vmd', item: identifier(buf, t) };
    case 0x82: return { scope: 'aa', item: identifier(buf, t) };
    case 0xa1: {
      const r = new BerReader(buf, t.start, t.end);
      const d = r.next();
      const i = r.next();
      if (d.cls !== UNIVERSAL || i.cls !== UNIVERSAL) throw new BerError('value', t.start);
      return { scope: 'domain', domain: identifier(buf, d), item: identifier(buf, i) };
    }
    default: throw new BerError('value', t.start);
  }
}

/** An element holding exactly one ObjectName (an explicit tag around the CHOICE). */
export function wrappedName(buf: Buffer, t: Tlv): ObjectName {
  if (!t.constructed) throw new BerError('value', t.start);
  return objectName(buf, new BerReader(buf, t.start, t.end).next());
}

export interface VariableList {
  /** the named variables, in order (at most MAX_LIST) */
  variables: ObjectName[];
  /** all variables, named or given by address or description */
  count: number;
}

/**
 * SEQUENCE OF SEQUENCE { variableSpecification VariableSpecification, alternateAccess [5] OPTIONAL }:
 * the named ones (VariableSpecification name [0] ObjectName) are listed; addresses [1],
 * descriptions [2], scattered access [3] and invalidated [4] are only counted.
 */
export function variableList(buf: Buffer, t: Tlv): VariableList {
  const out: VariableList = { variables: [], count: 0 };
  const r = new BerReader(buf, t.start, t.end);
  while (r.more) {
    const entry = r.next();
    if (entry.id !== 0x30) throw new BerError('value', entry.start);
    out.count++;
    const spec = new BerReader(buf, entry.start, entry.end).next();
    if (spec.id === 0xa0 && out.variables.length < MAX_LIST) out.variables.push(wrappedName(buf, spec));
  }
  return out;
}

export interface AccessSpec {
  variables?: ObjectName[];
  variableCount?: number;
  /** a named variable list (an IEC 61850 data set, or "RPT" for reports) */
  variableListName?: ObjectName;
}

/** VariableAccessSpecification ::= CHOICE { listOfVariable [0] IMPLICIT SEQUENCE OF ..., variableListName [1] ObjectName } */
export function accessSpec(buf: Buffer, t: Tlv): AccessSpec {
  if (t.id === 0xa0) {
    const l = variableList(buf, t);
    return { variables: l.variables, variableCount: l.count };
  }
  if (t.id === 0xa1) return { variableListName: wrappedName(buf, t) };
  throw new BerError('value', t.start);
}

export interface AccessErrors {
  results: number;
  accessErrors?: Array<{ index: number; code: number; name: string }>;
}

/** DataAccessError (§14.4.2), the `failure [0] IMPLICIT` alternative of AccessResult and Write-Response. */
function accessError(buf: Buffer, t: Tlv, index: number) {
  const code = berInt(buf, t);
  return { index, code, name: DATA_ACCESS_ERRORS[code] ?? `unknown (${code})` };
}

/**
 * SEQUENCE OF AccessResult (CHOICE { failure [0] IMPLICIT DataAccessError, success Data }) or of the
 * Write-Response CHOICE (failure [0], success [1] IMPLICIT NULL): counted, failures named.
 */
export function accessResults(buf: Buffer, t: Tlv): AccessErrors & { values: Tlv[] } {
  const out: AccessErrors & { values: Tlv[] } = { results: 0, values: [] };
  const r = new BerReader(buf, t.start, t.end);
  while (r.more) {
    const e = r.next();
    if (out.values.length < MAX_VALUES) out.values.push(e);
    if (e.id === 0x80) {
      const errs = (out.accessErrors ??= []);
      if (errs.length < MAX_LIST) errs.push(accessError(buf, e, out.results));
    }
    out.results++;
  }
  return out;
}

/** FileName ::= SEQUENCE OF GraphicString (Annex D): the parts joined with "/". */
export function fileName(buf: Buffer, t: Tlv): string {
  const parts: string[] = [];
  const r = new BerReader(buf, t.start, t.end);
  while (r.more && parts.length < 16) parts.push(identifier(buf, r.next()));
  return parts.join('/');
}

export interface ServiceError {
  errorClass: number;
  errorClassName: string;
  errorCode: number;
  additionalCode?: number;
  additionalDescription?: string;
  exception: { code: number; name: string };
}

/**
 * ServiceError ::= SEQUENCE { errorClass [0] CHOICE { vmd-state [0] IMPLICIT INTEGER, ... others [12] },
 * additionalCode [1] IMPLICIT INTEGER OPTIONAL, additionalDescription [2] IMPLICIT VisibleString OPTIONAL,
 * serviceSpecificInformation [3] OPTIONAL }, read from the contents of `t`. The exception code is
 * class << 8 | code, its name "class: code".
 */
export function serviceError(buf: Buffer, t: Tlv): ServiceError {
  const r = new BerReader(buf, t.start, t.end);
  let se: ServiceError | undefined;
  while (r.more) {
    const e = r.next();
    if (e.id === 0xa0) {
      const c = new BerReader(buf, e.start, e.end).next();
      if (c.cls !== 2 || c.constructed) throw new BerError('value', c.start);
      const code = berInt(buf, c);
      const [className, codes] = errorClasses[c.tag] ?? [`class ${c.tag}`, []];
      const codeName = codes[code] ?? String(code);
      se = { errorClass: c.tag, errorClassName: className, errorCode: code, exception: { code: (c.tag << 8) | (code & 0xff), name: `${className}: ${codeName}` } };
    } else if (e.id === 0x81 && se) se.additionalCode = berInt(buf, e);
    else if (e.id === 0x82 && se) se.additionalDescription = berText(buf, e, 256);
  }
  if (!se) throw new BerError('value', t.start);
  return se;
}
