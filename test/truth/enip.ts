// EtherNet/IP and CIP facts against tshark's truth (ot.enip, written by ../shared/pcaps/tools/make_truth.py
// from enip.command, enip.lir.*, cip.sc, cip.class and cip.id.* fields).
// - Encapsulation commands: the exact number of messages per command.
// - ListIdentity replies and CIP Identity object replies: every distinct identity, from the same IP.
// - CIP service codes and classes: each must be seen; the exact counts are reported but not required,
//   because tshark counts some fields differently (it adds the class of Connection Manager routes and
//   files Forward_Open under its own cip.cm fields).
import type { Identity } from '../../src/decode/pdu.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';
import { countBy } from '../support/counts.js';

interface TruthIdentity {
  src_ip: string;
  product_name: string;
  vendor_id: number | null;
  device_type: number | null;
  product_code: number | null;
  revision: string | null;
  serial: string | null;
}

interface EnipTruth {
  encap_commands: Record<string, number>;
  list_identity: TruthIdentity[];
  cip_identity_object: TruthIdentity[];
  cip_service_codes: Record<string, number>;
  cip_classes: Record<string, number>;
}

/** tshark prints ListIdentity revisions as one 16-bit number (major << 8 | minor), the Identity object's as "major.minor". */
function rev(s: string | null): string | null {
  if (s === null) return null;
  if (s.includes('.')) return s;
  const n = Number(s);
  return `${n >> 8}.${n & 0xff}`;
}

function same(t: TruthIdentity, id: Identity): boolean {
  return id.productName === t.product_name
    && (t.vendor_id === null || id.vendorId === t.vendor_id)
    && (t.product_code === null || id.productCode === String(t.product_code))
    && (t.serial === null || id.serial === t.serial)
    && (t.revision === null || id.firmwareVersion === rev(t.revision));
}

export const matcher: TruthMatcher = {
  section: 'enip',
  check(truth, pdus) {
    const t = truth as EnipTruth;
    const facts: FactCheck[] = [];
    const enip = pdus.filter((p) => p.proto === 'enip');
    const cip = pdus.filter((p) => p.proto === 'cip');

    const commands = countBy(enip, (p) => (p.kind === 'implicit_io' ? undefined : (p.functionCode as number)));
    for (const [k, n] of Object.entries(t.encap_commands)) {
      const code = parseInt(k, 16);
      const ours = commands.get(code) ?? 0;
      facts.push({ fact: `enip command ${k} x${n}`, found: ours === n, required: true, why: ours === n ? undefined : `we saw ${ours}` });
    }

    const identities = (kind: 'enip' | 'cip', list: TruthIdentity[]) => {
      for (const ti of list) {
        const found = pdus.some((p) => p.proto === kind && p.src === ti.src_ip && p.identity !== undefined && same(ti, p.identity as Identity));
        facts.push({ fact: `${kind === 'enip' ? 'ListIdentity' : 'CIP Identity object'} ${ti.src_ip} ${ti.product_name} ${ti.serial}`, found, required: true });
      }
    };
    identities('enip', t.list_identity);
    identities('cip', t.cip_identity_object);

    const services = countBy(cip, (p) => p.functionCode as number);
    for (const [k, n] of Object.entries(t.cip_service_codes)) {
      const ours = services.get(parseInt(k, 16)) ?? 0;
      facts.push({ fact: `cip service ${k} seen`, found: ours > 0, required: true });
      facts.push({ fact: `cip service ${k} x${n}`, found: ours === n, required: false, why: `counted ${ours}` });
    }
    const classes = countBy(cip, (p) => p.classId as number | undefined);
    for (const [k, n] of Object.entries(t.cip_classes)) {
      const ours = classes.get(parseInt(k, 16)) ?? 0;
      facts.push({ fact: `cip class ${k} seen`, found: ours > 0, required: true });
      facts.push({ fact: `cip class ${k} x${n}`, found: ours === n, required: false, why: `counted ${ours}` });
    }
    return facts;
  },
};
