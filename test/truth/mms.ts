// MMS facts against tshark's truth (truth.ot.mms, written by ../shared/pcaps/tools/make_truth.py from
// tshark 4.0 fields): confirmed service requests and responses by service tag, domain and item ids,
// identify answers, unconfirmed PDUs and initiate requests.
//
// tshark counts one per mms.confirmedServiceRequest/-Response occurrence, i.e. one per MMS PDU, as we
// emit them, so those counts compare one to one. tshark decodes MMS only where it saw the presentation
// connect: in a capture that starts mid-association it shows bare presentation data, while we decode
// the PDUs by their tags. So our unconfirmed PDUs and item ids may exceed tshark's: those two facts
// are "at least".
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';
import { compareCounts, countBy } from '../support/counts.js';

interface MmsTruth {
  confirmed_service_requests?: Record<string, number>;
  confirmed_service_responses?: Record<string, number>;
  domain_names?: string[];
  item_ids_sample?: string[];
  item_id_count?: number;
  identify?: Array<{ src_ip: string; vendor: string | null; model: string | null; revision: string | null }>;
  unconfirmed_pdus?: number;
  initiate_requests?: number;
}

type P = Pdu & { src: string; dst: string; [k: string]: unknown };
interface Name { scope: string; domain?: string; item: string }

/** Every ObjectName a PDU carries: variables, list names, the name asked about. */
function namesOf(p: P): Name[] {
  const out: Name[] = [];
  for (const v of (p.variables as Name[] | undefined) ?? []) out.push(v);
  for (const v of (p.names as unknown[] | undefined) ?? []) if (typeof v === 'object' && v) out.push(v as Name);
  for (const k of ['variableListName', 'name', 'typeName']) {
    const v = p[k] as Name | undefined;
    if (v && typeof v === 'object') out.push(v);
  }
  return out;
}

export const matcher: TruthMatcher = {
  section: 'mms',
  check(truthIn, pdusIn) {
    const t = truthIn as MmsTruth;
    const mms = (pdusIn as readonly P[]).filter((p) => p.proto === 'mms');
    const facts: FactCheck[] = [];
    const svcKey = (type: string) => (p: P) => (p.pduType === type && typeof p.functionCode === 'number' ? `${p.functionCode} (${p.functionName})` : undefined);

    facts.push(...compareCounts('confirmed request', t.confirmed_service_requests, countBy(mms, svcKey('confirmed-RequestPDU'))));
    facts.push(...compareCounts('confirmed response', t.confirmed_service_responses, countBy(mms, svcKey('confirmed-ResponsePDU'))));

    const domains = new Set<string>();
    const items = new Set<string>();
    for (const p of mms) {
      for (const n of namesOf(p)) {
        if (n.domain !== undefined) domains.add(n.domain);
        items.add(n.item);
      }
      if (typeof p.domain === 'string') domains.add(p.domain);
    }
    for (const d of t.domain_names ?? []) facts.push({ fact: `domain ${d}`, found: domains.has(d), required: true });
    for (const i of t.item_ids_sample ?? []) facts.push({ fact: `item id ${i}`, found: items.has(i), required: true });
    if (t.item_id_count !== undefined) {
      facts.push({ fact: `at least ${t.item_id_count} distinct item ids`, found: items.size >= t.item_id_count, required: true, why: `we see ${items.size}` });
    }

    for (const id of t.identify ?? []) {
      const found = mms.some((p) => {
        const i = p.identity as { vendor?: string; model?: string; firmwareVersion?: string } | undefined;
        return p.src === id.src_ip && i !== undefined && (id.vendor ?? undefined) === i.vendor && (id.model ?? undefined) === i.model && (id.revision ?? undefined) === i.firmwareVersion;
      });
      facts.push({ fact: `identify ${id.src_ip}: ${id.vendor} / ${id.model} / ${id.revision}`, found, required: true });
    }

    const unconfirmed = mms.filter((p) => p.pduType === 'unconfirmed-PDU').length;
    if (t.unconfirmed_pdus !== undefined) {
      facts.push({ fact: `at least ${t.unconfirmed_pdus} unconfirmed PDUs`, found: unconfirmed >= t.unconfirmed_pdus, required: true, why: `we decode ${unconfirmed}` });
    }
    const initiates = mms.filter((p) => p.kind === 'initiate_request').length;
    if (t.initiate_requests !== undefined) {
      facts.push({ fact: `initiate requests: ${t.initiate_requests}`, found: initiates === t.initiate_requests, required: true, ...(initiates === t.initiate_requests ? {} : { why: `we count ${initiates}` }) });
    }

    // informational: what tshark's fields do not list
    const lds = [...new Set(mms.flatMap((p) => (p.domains as string[] | undefined) ?? []))];
    if (lds.length > 0) facts.push({ fact: `domains (logical devices) listed by getNameList: ${lds.join(', ')}`, found: true, required: false, why: 'informational: tshark lists these as identifiers, not mms.domainName' });
    if (unconfirmed > (t.unconfirmed_pdus ?? 0)) {
      facts.push({ fact: `unconfirmed PDUs decoded: ${unconfirmed}`, found: true, required: false, why: 'informational: tshark does not decode MMS in associations whose start is not captured' });
    }
    const cotpS7 = (pdusIn as readonly P[]).filter((p) => p.proto === 's7comm' && String(p.kind).startsWith('cotp_'));
    facts.push({ fact: 'no COTP PDU of the MMS connections is reported as S7comm', found: cotpS7.length === 0, required: true, why: `${cotpS7.length} are` });
    return facts;
  },
};
