// Protocol violations and failed operations (issue 6; spec §4.3 Protocol Violation, §4.5 Operational
// "... Failed", §4.2 exception and malformation thresholds): illegal or reserved function codes,
// exception responses by their meaning, DNP3 internal indications, IEC-104 negative causes, error
// responses of CIP, BACnet, MMS, OPC UA and PROFINET DCP, connections to port 0, malformed PDUs per
// session, and traffic that is not the protocol its standard port is reserved for.
import type { AnomalyId } from '../../../decode/anomalies.js';
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import { type Flow, noteSlot } from '../../../flows/flow.js';
import { addr, type DetectionContext, endpointsOf, protocolName, type Rule } from '../rule.js';
import type { Endpoint } from '../types.js';
import { CountWindows } from './windows.js';

/** SessionMarks */
const SESSION = noteSlot();

/** Modbus exception codes (Modbus Application Protocol v1.1b3 §7) -> the catalog's titles. */
const MODBUS_EXCEPTION_TITLE: Record<number, string> = {
  1: 'Slave Device Received Illegal Function Code',
  2: 'Slave Device Received Illegal Data Address Parameter',
  3: 'Slave Device Received Illegal Data Value Parameter',
  4: 'Slave Device Unrecoverable Failure',
};

/** IEC 60870-5-101 §7.2.3 negative causes of transmission a controlled station answers with. */
const IEC104_COT_TITLE: Record<number, string> = {
  44: 'Slave Device Received Illegal ASDU Type',
  45: 'Slave Device Received Illegal Command Cause of Transmission',
  46: 'Slave Device Received Illegal Common Address',
  47: 'Slave Device Received Illegal Information Object Address',
};

const FAILED_TITLE: Record<string, string> = {
  cip: 'EtherNet/IP CIP Service Request Failed',
  enip: 'EtherNet/IP Encapsulation Protocol Command Failed',
  bacnet: 'BACNet Operation Failed',
  mms: 'MMS Service Request Failed',
  opcua: 'OPC UA Service Request Failed',
  pndcp: 'Profinet DCP Command Failed',
  srtp: 'GE SRTP Command Failure',
};

/**
 * Anomaly ids that say a PDU was malformed (not merely unexpected, like an unmatched response).
 * http.head_too_long is the HTTP framer's refusal of an oversized head: the framing is lost as with
 * stream.desync, so it counts the same.
 */
const MALFORMED = /truncated|invalid|malformed|bad_|length|overrun|no_start|desync|unknown_object|head_too_long/;

interface SessionMarks { malformed: number[]; pdus: number; unexpected: boolean }

function marks(flow: Flow): SessionMarks {
  let m = flow.notes[SESSION] as SessionMarks | undefined;
  if (!m) flow.notes[SESSION] = m = { malformed: [], pdus: 0, unexpected: false };
  return m;
}

/** Raises what a Modbus PDU shows; true when it was an exception response (counted for the pattern). */
function modbus(p: AppPdu, src: Endpoint, dst: Endpoint, ts: number, ctx: DetectionContext): boolean {
  const fc = p.functionCode ?? -1;
  if (p.role === 'request') {
    if (fc === 0) ctx.raise('Illegal MODBUS Operation (Function Code Zero)', ts, src, dst, `A MODBUS master ${addr(src)} sent function code 0 to ${addr(dst)}, which no device implements.`, { protocol: 'Modbus' });
    // an exception function code (fc | 0x80) in a request: the dissector reports the function it
    // names (fc & 0x7f) and flags the request, so the flag is what tells it from a reserved code
    else if (Array.isArray(p.anomalies) && p.anomalies.includes('modbus.exception_in_request')) ctx.raise('Illegal MODBUS Operation (Exception Raised by Master)', ts, src, dst, `A MODBUS master ${addr(src)} attempted to initiate an illegal operation.\nThe operation is considered to be illegal since it incorporated function code #${fc | 0x80} which should not be used by a master.\nIt is recommended to notify the security officer of the incident.`, { protocol: 'Modbus' });
    else if (p.kind === 'unknown_request') ctx.raise('Usage of a Reserved Function Code', ts, src, dst, `The device ${addr(src)} sent the reserved MODBUS function code ${fc} to ${addr(dst)}.`, { protocol: 'Modbus' });
    return false;
  }
  if (p.kind !== 'exception' || !p.exception) return false;
  // The titled exceptions are "destination received invalid request" (spec §4.3): the alert goes
  // from the master to the slave that refused. The catch-all is "secondary returned an exception"
  // (§4.3 #14): from the slave that answered.
  const title = MODBUS_EXCEPTION_TITLE[p.exception.code];
  const [from, to] = title === undefined ? [src, dst] : [dst, src];
  ctx.raise(title ?? 'Modbus Exception', ts, from, to, `The MODBUS slave ${addr(src)} answered ${addr(dst)} with exception ${p.exception.code} (${p.exception.name}) to function ${p.functionName}.`, { protocol: 'Modbus', key: String(p.exception.code) });
  return true;
}

/** Raises what a DNP3 PDU shows; true when the outstation refused the request (IIN2.0-2.2, counted for the pattern). */
function dnp3(p: AppPdu, src: Endpoint, dst: Endpoint, ts: number, ctx: DetectionContext): boolean {
  const fc = p.functionCode ?? -1;
  if (p.role === 'request') {
    if (fc === 15) ctx.raise('Initiation of an Obsolete Function Code (Initialize Data)', ts, src, dst, `The master ${addr(src)} sent the obsolete DNP3 function Initialize Data to ${addr(dst)}.`, { protocol: 'DNP3' });
    else if (fc === 19) ctx.raise('Initiation of an Obsolete Function Code (Save Config)', ts, src, dst, `The master ${addr(src)} sent the obsolete DNP3 function Save Configuration to ${addr(dst)}.`, { protocol: 'DNP3' });
    else if (p.kind === 'unknown' || (fc > 33 && fc < 129) || fc > 131) ctx.raise('Usage of a Reserved Function Code', ts, src, dst, `The device ${addr(src)} sent the reserved DNP3 function code ${fc} to ${addr(dst)}.`, { protocol: 'DNP3' });
    return false;
  }
  const iin = p.iin as { raw: number; noFunctionCodeSupport: boolean; objectUnknown: boolean; parameterError: boolean; eventBufferOverflow: boolean; configCorrupt: boolean; deviceTrouble: boolean } | undefined;
  if (!iin) return false;
  const o = { protocol: 'DNP3' };
  const out = addr(src), master = addr(dst);
  if (iin.noFunctionCodeSupport) ctx.raise('Function Code Not Supported by Outstation', ts, dst, src, `The outstation ${out} reported that it does not support a function code ${master} sent (IIN2.0).`, o);
  if (iin.objectUnknown) ctx.raise('Unknown Object Sent to Outstation', ts, dst, src, `The outstation ${out} reported an unknown object in a request from ${master} (IIN2.1).`, o);
  if (iin.parameterError) ctx.raise('Incorrect Parameter Sent to Outstation', ts, dst, src, `The outstation ${out} reported a parameter error in a request from ${master} (IIN2.2).`, o);
  if (iin.eventBufferOverflow) ctx.raise('Event Buffer Overflow in Outstation', ts, src, dst, `The outstation ${out} reported an event buffer overflow (IIN2.3): events were lost.`, o);
  if (iin.configCorrupt) ctx.raise("Outstation's Corrupted Configuration Detected", ts, src, dst, `The outstation ${out} reported a corrupt configuration (IIN2.5).`, o);
  if (iin.deviceTrouble) ctx.raise('Suspicion of Hardware Problems in Outstation', ts, src, dst, `The outstation ${out} reported device trouble (IIN1.6).`, o);
  if (iin.raw & 0x00c0) ctx.raise('Usage of Reserved Status Flags (IIN)', ts, src, dst, `The outstation ${out} set reserved internal indication bits (IIN2.6/2.7) in a response to ${master}.`, o);
  return iin.noFunctionCodeSupport || iin.objectUnknown || iin.parameterError;
}

export function protocolViolationsRule(): Rule {
  // spec §4.2 #1: 20 exceptions / 1 h per answering device, whatever the protocol
  const exceptions = new CountWindows(10_000);
  const exception = (src: Endpoint, ts: number, proto: string, ctx: DetectionContext): void => {
    if (exceptions.add(addr(src), ts, ctx.settings.exceptionWindowSeconds * 1e6) === ctx.settings.exceptionCount) {
      ctx.raise('Abnormal Exception Pattern in Slave', ts, src, null, `The device ${addr(src)} answered with ${ctx.settings.exceptionCount} errors or exceptions within ${ctx.settings.exceptionWindowSeconds / 60} minutes.`, { protocol: proto });
    }
  };
  return {
    name: 'protocol-violations',
    protos: ['modbus', 'dnp3', 'iec104', 'cip', 'enip', 'bacnet', 'mms', 'opcua', 'pndcp', 's7comm', 'srtp', 'fins'],
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      if (flow) marks(flow).pdus++;
      // the common cases, checked before endpoints are built: a request, a Modbus answer that is no exception
      if (p.proto === 'modbus') {
        if (p.role === 'request' ? p.functionCode !== 0 && (p.functionCode ?? 0) < 128 && p.kind !== 'unknown_request' : p.kind !== 'exception') return;
        const [src, dst] = endpointsOf(p, flow, dir);
        if (modbus(p, src, dst, ts, ctx)) exception(src, ts, 'Modbus', ctx);
        return;
      }
      if (p.role === 'request' && p.proto !== 'dnp3') return;
      const [src, dst] = endpointsOf(p, flow, dir);
      if (p.proto === 'dnp3') {
        if (dnp3(p, src, dst, ts, ctx)) exception(src, ts, 'DNP3', ctx);
        return;
      }
      const cot = p.cot as number | undefined;
      if (p.proto === 'iec104' && cot !== undefined && IEC104_COT_TITLE[cot]) {
        ctx.raise(IEC104_COT_TITLE[cot]!, ts, dst, src, `The controlled station ${addr(src)} rejected a command from ${addr(dst)} with cause of transmission ${cot} (${p.causeName}) for ${p.functionName}.`, { protocol: 'IEC 60870-5-104', key: String(p.functionName) });
      }
      if (!p.exception || p.role !== 'response') return;
      const proto = protocolName(p.proto);
      if (p.proto === 'bacnet' && p.kind === 'reject') {
        ctx.raise('Illegal BACNet message', ts, dst, src, `The BACnet device ${addr(src)} rejected a request from ${addr(dst)}: ${p.exception.name}.`, { protocol: proto, key: p.exception.name });
      } else if (FAILED_TITLE[p.proto]) {
        ctx.raise(FAILED_TITLE[p.proto]!, ts, src, dst, `The ${proto} server ${addr(src)} answered a ${p.functionName ?? p.kind} request from ${addr(dst)} with an error: ${p.exception.name}.`, { protocol: proto, key: String(p.functionName ?? p.kind) });
      }
      exception(src, ts, proto, ctx);
    },
    flowStart(flow: Flow, ctx: DetectionContext) {
      if ((flow.proto === 6 || flow.proto === 17) && flow.serverPort === 0) {
        // Port 0 is below 1024, so the flow makes its side the server even when port 0 is the
        // sender's (a crafted packet from port 0): who spoke first is the one attempting it.
        const first = flow.firstDir === 0;
        const src = first ? flow.clientIp : flow.serverIp, dst = first ? flow.serverIp : flow.clientIp;
        const how = first ? `tried to connect to port 0 on ${dst}` : `sent traffic from port 0 to ${dst}`;
        ctx.raise('Illegal Connection Attempt on Port 0', flow.firstTs, { ip: src, mac: null }, { ip: dst, mac: null }, `The device ${src} ${how}, a port that is reserved and never used by a service.`, { protocol: flow.proto === 6 ? 'TCP' : 'UDP' });
      }
    },
    anomaly(id: AnomalyId, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      if (!flow || !MALFORMED.test(id)) return;
      const m = marks(flow);
      const app = flow.app?.dissector.id ?? id.slice(0, id.indexOf('.'));
      const [src, dst] = endpointsOf({}, flow, dir);
      if (id === 'stream.desync' && m.pdus === 0 && !m.unexpected) {
        m.unexpected = true;
        ctx.raise('Unexpected Traffic for Standard Port', ts, { ip: flow.clientIp, mac: null }, { ip: flow.serverIp, mac: null }, `Traffic from ${flow.clientIp} to ${flow.serverIp} on port ${flow.serverPort} is not ${protocolName(app)}, the protocol the port is reserved for.`, { protocol: protocolName(app), key: String(flow.serverPort) });
        return;
      }
      if (app === 'dnp3' && id !== 'stream.desync') ctx.raise('Illegal DNP3 Operation', ts, src, dst, `The device ${addr(src)} sent a malformed DNP3 message to ${addr(dst)} (${id}).`, { protocol: 'DNP3' });
      const window = ctx.settings.malformedWindowSeconds * 1e6;
      while (m.malformed.length > 0 && ts - m.malformed[0]! > window) m.malformed.shift();
      if (m.malformed.length < 64) m.malformed.push(ts);
      if (m.malformed.length === ctx.settings.malformedPerSession) {
        ctx.raise('Excessive Malformed Packets In a Single Session', ts, src, dst, `${m.malformed.length} malformed ${protocolName(app)} packets were seen within ${ctx.settings.malformedWindowSeconds / 60} minutes in the session between ${addr(src)} and ${addr(dst)}.`, { protocol: protocolName(app) });
      }
    },
  };
}
