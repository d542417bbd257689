// Controller operations (issue 6; spec §4.5 Operational, §4.1 Programming, §4.3 Firmware Update, §3
// events): stop / start / reset / restart commands, program download, upload and delete, firmware
// updates and firmware version changes, across S7, CIP, MMS, DNP3, BACnet, IEC-104, PROFINET DCP,
// Omron FINS and GE SRTP.
// Each raises the catalog's alert for the operation and a timeline event, once per sender, receiver
// and operation: the dedup in the detector folds repeats into one alert with a count.
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import { type Flow, noteSlot } from '../../../flows/flow.js';
import { addr, type DetectionContext, endpointsOf, protocolName, type Rule } from '../rule.js';
import type { Endpoint } from '../types.js';

/** FlowMarks */
const OPS = noteSlot();

type Control = 'stop' | 'start' | 'reset' | 'restart';

/** Which request PDUs stop, start, reset or restart a controller. */
function controlOf(p: AppPdu): Control | null {
  switch (p.proto) {
    case 's7comm':
      if (p.kind === 'plc_stop_request') return 'stop';
      if (p.kind === 'pi_service_request' && p.action === 'start') return 'start';
      return null;
    case 'cip':
      return p.kind === 'stop_request' ? 'stop' : p.kind === 'start_request' ? 'start' : p.kind === 'reset_request' ? 'reset' : null;
    case 'mms':
      return p.kind === 'stop_request' ? 'stop' : p.kind === 'start_request' || p.kind === 'resume_request' ? 'start'
        : p.kind === 'reset_request' || p.kind === 'kill_request' ? 'reset' : null;
    case 'dnp3': // IEEE 1815 function codes 13/14 restart, 17/18 start/stop application
      return p.functionCode === 13 || p.functionCode === 14 ? 'restart' : p.functionCode === 18 ? 'stop' : p.functionCode === 17 ? 'start' : null;
    case 'bacnet':
      return p.kind === 'reinitialize_device_request' ? 'reset' : null;
    case 'iec104': // C_RP_NA_1: reset process command (IEC 60870-5-101 §7.3.4.14)
      return p.functionCode === 105 && p.role === 'request' ? 'reset' : null;
    case 'fins': // FINS command codes 04 01 RUN and 04 02 STOP
      return p.functionCode === 0x0401 ? 'start' : p.functionCode === 0x0402 ? 'stop' : null;
    default:
      return null;
  }
}

const STOP_EVENT: Record<string, string> = { s7comm: 'S7_PLC_MODE_CHANGE', cip: 'ENIP_CONTROLLER_GENERIC_STOP', mms: 'MMS_PROGRAM_OPERATION' };
const START_EVENT: Record<string, string> = { s7comm: 'PLC_START', cip: 'ENIP_CONTROLLER_GENERIC_START', mms: 'MMS_PROGRAM_OPERATION' };
const RESET_EVENT: Record<string, string> = { cip: 'ENIP_CONTROLLER_GENERIC_RESET', mms: 'MMS_PROGRAM_OPERATION' };

/** Per-flow flags so each operation adds one timeline event per connection, not one per PDU. */
interface FlowMarks { evented: Set<string> }

function once(flow: Flow | null, what: string): boolean {
  if (!flow) return true;
  let m = flow.notes[OPS] as FlowMarks | undefined;
  if (!m) flow.notes[OPS] = m = { evented: new Set() };
  if (m.evented.has(what)) return false;
  m.evented.add(what);
  return true;
}

/** Restart counts per outstation in fixed windows (spec §4.2 #13: 10 / 1 h; §4.5 #27: 2 / 10 min). */
class RestartCounter {
  private readonly byDevice = new Map<string, number[]>();
  add(device: string, ts: number): number[] {
    let list = this.byDevice.get(device);
    if (!list) {
      if (this.byDevice.size >= 10_000) this.byDevice.clear();
      this.byDevice.set(device, (list = []));
    }
    list.push(ts);
    while (list.length > 0 && ts - list[0]! > 3600e6) list.shift();
    return list;
  }
}

function control(p: AppPdu, kind: Control, src: Endpoint, dst: Endpoint, flow: Flow | null, ts: number, ctx: DetectionContext, restarts: RestartCounter): void {
  const proto = protocolName(p.proto);
  const s = addr(src), d = addr(dst);
  const o = { protocol: proto, key: String(p.functionName ?? p.kind) };
  const what = `${p.functionName ?? p.kind}`;
  if (kind === 'stop') {
    if (p.proto === 's7comm') ctx.raise('An S7 Stop PLC Command was Sent', ts, src, dst, `A PLC stop command was sent from ${s} to ${d} over ${proto}.\nThe controller stops executing its program until it is started again.`, o);
    else ctx.raise('Controller Stop', ts, src, dst, `A stop command (${what}) was sent from ${s} to the controller ${d} over ${proto}.`, o);
    if (once(flow, 'stop')) ctx.event(ts, STOP_EVENT[p.proto] ?? 'S7_PLC_MODE_CHANGE', `PLC stop command sent from ${s} to ${d} (${proto} ${what})`);
  } else if (kind === 'start') {
    ctx.raise('PLC Operating Mode Changed', ts, src, dst, `A start command (${what}) was sent from ${s} to the controller ${d} over ${proto}; the controller's operating mode changes.`, o);
    if (once(flow, 'start')) ctx.event(ts, START_EVENT[p.proto] ?? 'PLC_START', `PLC start command sent from ${s} to ${d} (${proto} ${what})`);
  } else if (kind === 'reset') {
    ctx.raise('Controller Reset', ts, src, dst, `A reset command (${what}) was sent from ${s} to the controller ${d} over ${proto}.`, o);
    const ev = RESET_EVENT[p.proto];
    if (ev && once(flow, 'reset')) ctx.event(ts, ev, `Controller reset command sent from ${s} to ${d} (${proto} ${what})`);
  } else {
    const cold = p.functionCode === 13;
    ctx.raise('Outstation Restarted', ts, src, dst, `A ${cold ? 'cold' : 'warm'} restart command was sent from ${s} to the outstation ${d} over ${proto}.`, o);
  }
  if (kind === 'restart' || kind === 'reset') {
    const times = restarts.add(d, ts);
    const inTen = times.filter((t) => ts - t <= 600e6).length;
    if (p.proto === 'dnp3' && inTen >= 2) ctx.raise('Outstation Restarts Frequently', ts, src, dst, `The outstation ${d} was restarted ${inTen} times within 10 minutes.`, { protocol: proto });
    if (times.length >= 10) ctx.raise('Excessive Restart Rate of an Outstation', ts, src, dst, `The device ${d} was restarted or reset ${times.length} times within an hour.`, { protocol: proto });
  }
}

function programming(p: AppPdu, src: Endpoint, dst: Endpoint, flow: Flow | null, ts: number, ctx: DetectionContext): void {
  const proto = protocolName(p.proto);
  const s = addr(src), d = addr(dst);
  // FINS names its uploads by what they read (Program Area Read 03 06, file reads 22 02/22 10)
  const upload = /upload/i.test(p.kind) || /upload/i.test(String(p.functionName ?? '')) || (p.proto === 'fins' && /_read_/.test(p.kind));
  const entry = `program:${s}>${d}`;
  if (upload) {
    if (once(flow, 'upload')) ctx.event(ts, 'PROGRAM_UPLOAD_DEVICE', `Program upload detected, requested by ${s} from ${d}`);
    if (!ctx.known(entry)) {
      ctx.raise('Unauthorized PLC Program Upload', ts, src, dst, `The device ${s} uploaded the program of the controller ${d} over ${proto} (${p.functionName}), which was not seen in the learned baseline.`, { protocol: proto, learn: [entry] });
    }
    return;
  }
  if (once(flow, 'program')) ctx.event(ts, p.proto === 'mms' ? 'MMS_PROGRAM_DEVICE' : 'PROGRAM_DEVICE', `Program update detected, sent from ${s} to ${d}`);
  if (ctx.known(entry)) return;
  if (p.proto === 'mms') {
    ctx.raise('Unauthorized MMS Program Access', ts, src, dst, `The device ${s} accessed a program resource of ${d} over MMS (${p.functionName}), which was not seen in the learned baseline.`, { protocol: proto, learn: [entry] });
  } else {
    ctx.raise('Unauthorized PLC Programming', ts, src, dst, `The device ${s} programmed the controller ${d} over ${proto} (${p.functionName}).\nThe source is not a programming device in the learned baseline. It is recommended to verify that the change was authorized.`, { protocol: proto, learn: [entry] });
  }
}

/**
 * GE SRTP (spec §3 SRTP_* events, §4.5 "GE SRTP Stop PLC Command was Sent"). What a Set PLC State
 * request asks for is not public, but every acknowledgement carries the PLC's state, and the
 * dissector marks an ACK whose state differs from the previous one on the flow: a stop is recognised
 * on the answer to the command. A programmer logon is a programming session, not a program change.
 */
function srtp(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext): boolean {
  const code = p.functionCode;
  if (p.role === 'request' && (code === 0x20 || code === 0x21)) {
    const [src, dst] = endpointsOf(p, flow, dir);
    const logon = code === 0x20;
    if (once(flow, logon ? 'srtp-logon' : 'srtp-privilege')) {
      ctx.event(ts, logon ? 'SRTP_LOGIN_PROGRAMMING' : 'SRTP_CHANGE_PRIVILEGE', logon
        ? `Programmer logon from ${addr(src)} to the PLC ${addr(dst)} (GE SRTP)`
        : `${addr(src)} asked the PLC ${addr(dst)} for another access level (GE SRTP)`);
    }
    return true;
  }
  if (p.role !== 'response') return false;
  const [src, dst] = endpointsOf(p, flow, dir); // the PLC answers: the command came from dst
  if (code === 0x21 && p.exception) {
    ctx.event(ts, 'SRTP_CHANGE_LEVEL_FAILED', `The PLC ${addr(src)} refused ${addr(dst)} another access level: ${p.exception.name}`);
  } else if (code === 0x23 && p.previousPlcState !== undefined && p.plcState !== p.previousPlcState) {
    const o = { protocol: 'GE SRTP', key: String(p.plcState) };
    if (p.plcState === 'stop') {
      ctx.raise('GE SRTP Stop PLC Command was Sent', ts, dst, src, `A stop command (Set PLC State) was sent from ${addr(dst)} to the PLC ${addr(src)} over GE SRTP; the PLC reports ${p.plcStateName ?? 'a stop state'}.`, o);
      if (once(flow, 'stop')) ctx.event(ts, 'S7_PLC_MODE_CHANGE', `PLC stop command sent from ${addr(dst)} to ${addr(src)} (GE SRTP Set PLC State)`);
    } else {
      ctx.raise('PLC Operating Mode Changed', ts, dst, src, `A start command (Set PLC State) was sent from ${addr(dst)} to the controller ${addr(src)} over GE SRTP; the PLC reports ${p.plcStateName ?? 'a run state'}.`, o);
      if (once(flow, 'start')) ctx.event(ts, 'PLC_START', `PLC start command sent from ${addr(dst)} to ${addr(src)} (GE SRTP Set PLC State)`);
    }
  }
  return false;
}

/** Firmware versions each device stated last, for Firmware Version Changed (spec §4.1 #7). */
const MAX_VERSIONS = 100_000;

export function operationsRule(): Rule {
  const restarts = new RestartCounter();
  const versions = new Map<string, string>();
  return {
    name: 'operations',
    protos: ['s7comm', 'cip', 'mms', 'dnp3', 'bacnet', 'iec104', 'pndcp', 'enip', 'modbus', 's7commplus', 'opcua', 'fins', 'srtp'],
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      if (p.proto === 'srtp' && srtp(p, flow, dir, ts, ctx)) return;
      if (p.role === 'request') {
        const kind = controlOf(p);
        if (kind !== null || p.op === 'program' || p.op === 'firmware' || p.kind === 'set_request') {
          const [src, dst] = endpointsOf(p, flow, dir);
          if (kind !== null) control(p, kind, src, dst, flow, ts, ctx, restarts);
          else if (p.op === 'program') programming(p, src, dst, flow, ts, ctx);
          else if (p.op === 'firmware') {
            const proto = protocolName(p.proto);
            ctx.raise('Firmware Update', ts, src, dst, `A firmware update command (${p.functionName}) was sent from ${addr(src)} to ${addr(dst)} over ${proto}.`, { protocol: proto });
            if (once(flow, 'firmware')) ctx.event(ts, 'FIRMWARE_UPDATE', `Firmware update detected, sent from ${addr(src)} to ${addr(dst)}`);
          } else if (p.proto === 'pndcp' && Array.isArray(p.changes) && (p.changes as string[]).includes('reset to factory')) {
            ctx.raise('Profinet Device Factory Reset', ts, src, dst, `A PROFINET DCP factory reset was sent from ${addr(src)} to ${addr(dst)}.`, { protocol: 'Profinet DCP' });
          }
        }
      }
      const fw = p.identity?.firmwareVersion;
      if (fw && p.role !== 'request') {
        const [src] = endpointsOf(p, flow, dir);
        // one address may front several modules (a chassis behind one Ethernet card): tell them apart
        const id = p.identity!;
        const who = `${id.about ?? addr(src)}${id.serial ? ` (serial ${id.serial})` : id.productName ? ` (${id.productName})` : ''}`;
        const before = versions.get(who);
        if (before === undefined && versions.size < MAX_VERSIONS) versions.set(who, fw);
        else if (before !== undefined && before !== fw) {
          versions.set(who, fw);
          const proto = protocolName(p.proto);
          ctx.raise('Firmware Version Changed', ts, src, null, `The firmware version of ${who} changed from ${before} to ${fw} (reported over ${proto}).`, { protocol: proto, key: fw });
          ctx.event(ts, 'FIRMWARE_CHANGED', `Firmware of ${who} changed from ${before} to ${fw}`);
        }
      }
    },
  };
}
