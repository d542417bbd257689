// Cleartext credentials and address changes on the timeline (issue 6; spec §3 CLEARTEXT_AUTHENTICATION,
// HTTP_BASIC_AUTHENTICATION, DHCP_UPDATE, PROFINET_DPC_VALUE_SET). The alert catalog has no alert for a
// cleartext sign-in as such: the real sensor lists it on the timeline and in the vulnerability report
// (plainTextPasswords), so this rule adds events, once per connection. A PROFINET DCP Set that assigns
// a new IP address to a station is an alert as well (Operational "Change of Device Configuration").
import type { AppPdu } from '../../../decode/pdu.js';
import type { Direction } from '../../../decode/types.js';
import { type Flow, noteSlot } from '../../../flows/flow.js';
import { addr, type DetectionContext, endpointsOf, type Rule } from '../rule.js';

/** this flow's credentials were reported already */
const CREDS = noteSlot();

export function credentialsRule(): Rule {
  return {
    name: 'credentials',
    protos: ['ftp', 'http', 'telnet', 'pndcp', 'snmp'],
    pdu(p: AppPdu, flow: Flow | null, dir: Direction, ts: number, ctx: DetectionContext) {
      const creds = p.credentials as { protocol: string; user: string; passwordLength?: number } | undefined;
      if (creds && (!flow || !flow.notes[CREDS])) {
        if (flow) flow.notes[CREDS] = true;
        const [src, dst] = endpointsOf(p, flow, dir);
        ctx.event(ts, p.proto === 'http' ? 'HTTP_BASIC_AUTHENTICATION' : 'CLEARTEXT_AUTHENTICATION',
          `Cleartext ${creds.protocol} credentials for user "${creds.user}" were sent from ${addr(src)} to ${addr(dst)}`);
      }
      if (p.proto === 'snmp' && p.role === 'request' && typeof p.community === 'string' && flow && !flow.notes[CREDS]) {
        flow.notes[CREDS] = true;
        const [src, dst] = endpointsOf(p, flow, dir);
        ctx.event(ts, 'CLEARTEXT_AUTHENTICATION', `SNMP community "${p.community}" sent in cleartext from ${addr(src)} to ${addr(dst)}`);
      }
      if (p.proto === 'pndcp' && p.kind === 'set_request') {
        const assign = p.assign as { ip?: string; nameOfStation?: string } | undefined;
        if (!assign) return;
        const [src, dst] = endpointsOf(p, flow, dir);
        const what = [assign.ip && `IP address ${assign.ip}`, assign.nameOfStation !== undefined && `station name "${assign.nameOfStation}"`].filter(Boolean).join(' and ');
        ctx.event(ts, 'PROFINET_DPC_VALUE_SET', `PROFINET DCP Set from ${addr(src)} assigns ${what} to ${addr(dst)}`);
        if (assign.ip) {
          ctx.event(ts, 'DHCP_UPDATE', `Device ${addr(dst)} was assigned the address ${assign.ip} over PROFINET DCP`);
          ctx.raise('Change of Device Configuration', ts, src, dst, `The device ${addr(src)} changed the configuration of ${addr(dst)} over PROFINET DCP: it assigned ${what}.`,
            { protocol: 'Profinet DCP', key: assign.ip });
        }
      }
    },
  };
}
