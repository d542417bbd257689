// Operational health (issue 6; spec §4.5 #9 and #36, §3 BACK_TO_NORMAL): a server that stops answering
// requests is suspected disconnected once `unresponsiveRequests` requests in a row went unanswered
// within `unresponsiveSeconds`; its next answer puts it back to normal on the timeline. Tracked per
// client, server and protocol, so one-packet connections (a new TCP connection per request) count too.
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import { type Flow, noteSlot } from '../../../flows/flow.js';
import { type DetectionContext, protocolName, type Rule } from '../rule.js';

/** the flow's two PairHealth records, by requester direction */
const HEALTH = noteSlot();

interface PairHealth { unanswered: number; first: number; alerted: boolean }

/** Unanswered requests must span this long: a pipelined burst (a CIP Multiple Service Packet's
 *  embedded services, Modbus requests sent back to back) is not a device failing to answer. */
const MIN_SILENCE_US = 2e6;

/** The address on the `dir` side: the sender of a PDU going that way. */
const asker = (flow: Flow, dir: Direction): string => (dir === 0 ? flow.clientIp : flow.serverIp);

export function healthRule(): Rule {
  const pairs = new Map<string, PairHealth>();
  // keyed by who asks and who answers, not by the flow's client and server: a capture that starts
  // mid-connection may have made the answering side the flow's client
  const stateOf = (flow: Flow, requesterDir: Direction, proto: string): PairHealth => {
    let cached = flow.notes[HEALTH] as [PairHealth | null, PairHealth | null] | undefined;
    if (!cached) flow.notes[HEALTH] = cached = [null, null];
    let h = cached[requesterDir];
    if (h) return h;
    const [asker, answerer] = requesterDir === 0 ? [flow.clientIp, flow.serverIp] : [flow.serverIp, flow.clientIp];
    const key = `${asker}>${answerer}|${proto}`;
    h = pairs.get(key) ?? null;
    if (!h) {
      if (pairs.size >= 100_000) pairs.clear();
      pairs.set(key, (h = { unanswered: 0, first: 0, alerted: false }));
    }
    cached[requesterDir] = h;
    return h;
  };
  return {
    name: 'health',
    protos: ['modbus', 'dnp3', 's7comm', 'cip', 'enip', 'bacnet', 'iec104', 'mms', 'opcua', 'fins', 'srtp'],
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      if (!flow || (flow.proto === 17 && flow.ipVersion === 4 && (flow.serverIp4 & 255) === 255)) return; // a broadcast is not asking one device
      if (p.role === 'request') {
        const h = stateOf(flow, dir, p.proto);
        if (h.unanswered === 0) h.first = ts;
        h.unanswered++;
        const s = ctx.settings;
        if (!h.alerted && h.unanswered >= s.unresponsiveRequests && ts - h.first >= MIN_SILENCE_US && ts - h.first <= s.unresponsiveSeconds * 1e6) {
          h.alerted = true;
          const modbus = p.proto === 'modbus';
          ctx.raise(modbus ? 'Suspicion of Unresponsive MODBUS Device' : 'Device is Suspected to be Disconnected (Unresponsive)', ts,
            { ip: asker(flow, dir), mac: null }, { ip: asker(flow, dir === 0 ? 1 : 0), mac: null },
            `Device ${asker(flow, dir === 0 ? 1 : 0)} is suspected to be disconnected (unresponsive): ${h.unanswered} ${protocolName(p.proto)} requests from ${asker(flow, dir)} were not answered.`,
            { protocol: protocolName(p.proto) });
        } else if (h.unanswered >= ctx.settings.unresponsiveRequests && ts - h.first > ctx.settings.unresponsiveSeconds * 1e6) {
          h.first = ts; // a slow trickle of requests: start counting again
          h.unanswered = 1;
        }
      } else if (p.role === 'response') {
        const h = stateOf(flow, dir === 0 ? 1 : 0, p.proto);
        if (h.alerted) ctx.event(ts, 'BACK_TO_NORMAL', `Device ${asker(flow, dir)} was found responsive, after being suspected as disconnected`);
        h.unanswered = 0;
        h.alerted = false;
      }
    },
  };
}
