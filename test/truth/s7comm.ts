// S7comm facts against tshark's truth (truth.ot.s7comm, written by ../shared/pcaps/tools/make_truth.py
// from tshark 4.0 fields): ROSCTR counts, job functions (requests and all frames), userdata
// group/subfunction, SZL id/index, module identification (order number, version), component
// identification (PLC/module name, serial, CPU type), PI services, blocks, header error classes and
// the hosts that received Jobs.
//
// tshark counts one per occurrence of a field, and each S7 PDU (also each userdata fragment) is one
// occurrence; our dissector emits one PDU per S7 PDU, so counts compare one to one.
// tshark 4.0 has NO S7comm-plus dissector: 0x72 traffic shows only as COTP there. What we decode of
// it is reported as informational facts (required: false), since there is no truth to compare with.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';
import { compareCounts, countBy } from '../support/counts.js';

interface S7Truth {
  rosctr?: Record<string, number>;
  job_function_requests?: Record<string, number>;
  job_function_frames?: Record<string, number>;
  userdata_funcgroup_subfunc?: Record<string, number>;
  szl_requests?: Record<string, number>;
  szl_module_identification?: Array<{ src_ip: string; index: number | null; order_number: string; version: number | null }>;
  szl_component_identification?: Record<string, Record<string, string[]>>;
  pi_services?: Record<string, number>;
  blocks_transferred?: string[];
  header_error_classes?: Record<string, number>;
  job_request_dst_ips?: string[];
}

type P = Pdu & { src: string; dst: string; [k: string]: unknown };

const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}`;
const LABELS: Record<string, string> = {
  plc_name: 'plcName', module_name: 'moduleName', serial_number: 'serialNumber', cpu_type: 'cpuType', copyright: 'copyright', plant_tag: 'plantTag',
};

export const matcher: TruthMatcher = {
  section: 's7comm',
  check(truthIn, pdusIn) {
    const t = truthIn as S7Truth;
    const all = pdusIn as readonly P[];
    const s7 = all.filter((p) => p.proto === 's7comm' && typeof p.rosctr === 'number');
    const facts: FactCheck[] = [];

    facts.push(...compareCounts('rosctr', t.rosctr, countBy(s7, (p) => `${p.rosctr} (${p.rosctrName})`)));

    const fnKey = (p: P) => (typeof p.functionCode === 'number' && p.rosctr !== 7 ? `${hex(p.functionCode, 2)} (${p.functionName === 'PLC Start' || p.functionName === 'PLC Cold Restart' ? 'PI-Service' : p.functionName})` : undefined);
    facts.push(...compareCounts('job function requests', t.job_function_requests, countBy(s7.filter((p) => p.rosctr === 1), fnKey)));
    facts.push(...compareCounts('job function frames', t.job_function_frames, countBy(s7, fnKey)));

    // tshark has no funcgroup field for mode-transition pushes (group 0); neither is counted
    facts.push(...compareCounts('userdata', t.userdata_funcgroup_subfunc,
      countBy(s7, (p) => (p.rosctr === 7 && p.group !== 0 ? `group ${p.group} / subfunc ${p.subfunction}` : undefined))));

    // an SZL id appears in the request and in the first (or only) fragment of the answer
    facts.push(...compareCounts('SZL', t.szl_requests, countBy(s7, (p) => {
      const z = p.szl as { id: number; index: number; reassembled?: boolean } | undefined;
      return z && !z.reassembled ? `id ${hex(z.id, 4)} index ${hex(z.index, 4)}` : undefined;
    })));

    for (const m of t.szl_module_identification ?? []) {
      const found = s7.some((p) => p.src === m.src_ip && ((p.szl as { modules?: Array<{ index: number; orderNumber: string; version: number }> })?.modules ?? [])
        .some((e) => e.index === m.index && e.orderNumber === m.order_number && e.version === m.version));
      facts.push({ fact: `module ${m.src_ip} index ${m.index}: "${m.order_number}" version ${m.version}`, found, required: true });
    }
    // the order number (index 1) must also reach the inventory as identity.model
    for (const m of (t.szl_module_identification ?? []).filter((x) => x.index === 1)) {
      const found = s7.some((p) => p.src === m.src_ip && (p.identity as { model?: string } | undefined)?.model === m.order_number);
      facts.push({ fact: `identity ${m.src_ip} model ${m.order_number}`, found, required: true });
    }

    for (const [ip, labels] of Object.entries(t.szl_component_identification ?? {})) {
      for (const [label, values] of Object.entries(labels)) {
        for (const v of values) {
          const field = LABELS[label];
          const found = field !== undefined && s7.some((p) => p.src === ip && (p.szl as { components?: Record<string, string> })?.components?.[field] === v);
          facts.push({ fact: `component ${ip} ${label} "${v}"`, found, required: field !== undefined, ...(field ? {} : { why: 'label not mapped' }) });
        }
      }
      if (labels.serial_number?.[0]) {
        const serial = labels.serial_number[0];
        facts.push({ fact: `identity ${ip} serial ${serial}`, found: s7.some((p) => p.src === ip && (p.identity as { serial?: string } | undefined)?.serial === serial), required: true });
      }
    }

    // tshark reads the service name from the Job (PI-Service or PLC Stop); our Ack_Data repeats it from the Job
    facts.push(...compareCounts('PI service', t.pi_services, countBy(s7, (p) => (p.rosctr === 1 ? (p.pi as { service?: string } | undefined)?.service : undefined))));

    for (const b of t.blocks_transferred ?? []) {
      const found = s7.some((p) => {
        const blk = p.block as { type: string; numberText: string } | undefined;
        return blk !== undefined && `${blk.type} ${blk.numberText}` === b;
      });
      facts.push({ fact: `block ${b}`, found, required: true });
    }

    facts.push(...compareCounts('header error class', t.header_error_classes, countBy(s7, (p) => (typeof p.errorClass === 'number' ? String(p.errorClass) : undefined))));

    const jobDst = new Set(s7.filter((p) => p.rosctr === 1).map((p) => p.dst));
    for (const ip of t.job_request_dst_ips ?? []) facts.push({ fact: `Job PDUs sent to ${ip}`, found: jobDst.has(ip), required: true });

    // informational: what tshark 4.0 cannot show (no S7comm-plus dissector there)
    const plus = all.filter((p) => p.proto === 's7commplus');
    if (plus.length > 0) {
      const fns = [...countBy(plus, (p) => `${p.opcodeName}${p.functionName && p.opcodeName !== 'Notification' ? ` ${p.functionName}` : ''}`)].map(([k, n]) => `${k} x${n}`).join(', ');
      facts.push({ fact: `S7comm-plus PDUs decoded: ${plus.length} (${fns})`, found: true, required: false, why: 'informational: tshark 4.0 has no S7comm-plus dissector (the traffic is only COTP there)' });
    }
    return facts;
  },
};
