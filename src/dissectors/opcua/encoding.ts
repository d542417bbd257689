// OPC UA binary encoding of the built-in types the decoders read or skip (Part 6 §5.2.2): String and
// ByteString (§5.2.2.4/§5.2.2.7), NodeId (§5.2.2.9), DiagnosticInfo (§5.2.2.12), LocalizedText
// (§5.2.2.14), ExtensionObject (§5.2.2.15); and the Request/ResponseHeader (Part 4 §7.28/§7.29).
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';

/** Part 6 §5.2.2.4 leaves string length to the profile; URLs and URIs beyond this are not names. */
const MAX_TEXT = 4096;

/** String / ByteString (Part 6 §5.2.2.4/§5.2.2.7): Int32 length, -1 null. Returns the byte length. */
function strLen(r: Reader, out: PduSink): number {
  const n = r.i32le();
  if (n === -1) return -1;
  if (n < -1) {
    out.anomaly('opcua.bad_string_length');
    return -2;
  }
  r.need(n);
  return n;
}

export function text(r: Reader, out: PduSink): string | undefined {
  const n = strLen(r, out);
  if (n === -2) throw new BadString();
  if (n < 0) return undefined;
  if (n > MAX_TEXT) {
    out.anomaly('opcua.bad_string_length');
    r.skip(n);
    return undefined;
  }
  return r.bytes(n).toString('utf8');
}

export function skipStr(r: Reader, out: PduSink): void {
  const n = strLen(r, out);
  if (n === -2) throw new BadString();
  if (n > 0) r.skip(n);
}

/** A negative length other than -1: nothing after it can be located. */
export class BadString extends Error {}

/** NodeId (§5.2.2.9) of any encoding; returns the numeric id in namespace 0, else -1. */
export function nodeId(r: Reader, out: PduSink): number {
  const enc = r.u8();
  switch (enc & 0x3f) {
    case 0: return r.u8();
    case 1: { const ns = r.u8(); const id = r.u16le(); return ns === 0 ? id : -1; }
    case 2: { const ns = r.u16le(); const id = r.u32le(); return ns === 0 ? id : -1; }
    case 3: r.skip(2); skipStr(r, out); return -1;
    case 4: r.skip(18); return -1;
    case 5: r.skip(2); skipStr(r, out); return -1;
    default: return -2;
  }
}

/** ExtensionObject (§5.2.2.15): type NodeId, encoding byte, body when the encoding says there is one. */
function skipExtensionObject(r: Reader, out: PduSink): void {
  nodeId(r, out);
  const enc = r.u8();
  if (enc === 1 || enc === 2) skipStr(r, out);
}

/** DiagnosticInfo (§5.2.2.12): an encoding mask, then the fields it names; nesting is bounded. */
function skipDiagnosticInfo(r: Reader, out: PduSink, depth = 0): void {
  const m = r.u8();
  if (m & 0x01) r.skip(4);
  if (m & 0x02) r.skip(4);
  if (m & 0x08) r.skip(4);
  if (m & 0x04) r.skip(4);
  if (m & 0x10) skipStr(r, out);
  if (m & 0x20) r.skip(4);
  if (m & 0x40) {
    if (depth >= 8) throw new BadString();
    skipDiagnosticInfo(r, out, depth + 1);
  }
}

/** RequestHeader (Part 4 §7.28) up to and including the AdditionalHeader. */
export function skipRequestHeader(r: Reader, out: PduSink): void {
  nodeId(r, out);          // authentication token
  r.skip(8 + 4 + 4);       // timestamp, request handle, return diagnostics
  skipStr(r, out);         // audit entry id
  r.skip(4);               // timeout hint
  skipExtensionObject(r, out);
}

/** ResponseHeader (Part 4 §7.29); returns the ServiceResult. */
export function responseHeader(r: Reader, out: PduSink): number {
  r.skip(8 + 4);           // timestamp, request handle
  const result = r.u32le();
  skipDiagnosticInfo(r, out);
  const n = r.i32le();     // string table
  for (let i = 0; i < n; i++) skipStr(r, out);
  skipExtensionObject(r, out);
  return result;
}

/** LocalizedText (§5.2.2.14): a mask, then Locale and Text when their bits are set. */
export function skipLocalizedText(r: Reader, out: PduSink): void {
  const m = r.u8();
  if (m & 0x01) skipStr(r, out);
  if (m & 0x02) skipStr(r, out);
}
