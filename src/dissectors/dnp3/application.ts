// DNP3 application layer (IEEE 1815-2012 clause 4): one reassembled fragment's application control,
// function code and internal indications, then its object headers (walked in objects.ts).
import type { Identity, OpClass } from '../../decode/pdu.js';
import type { PduSink } from '../../decode/types.js';
import { dnp3FunctionNames, HEADERS_ONLY, KINDS, linkPrimaryNames, opOf } from './codes.js';
import { walkObjects, type Dnp3Object } from './objects.js';

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

export interface LinkInfo { source: number; destination: number; fc: number }

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
export function decodeApplication(b: Buffer, len: number, link: LinkInfo, frames: number, out: PduSink): void {
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
