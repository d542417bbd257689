// HTTP facts against tshark's truth (it.http): Host values and User-Agent strings of requests,
// Server values of responses, request methods and response status codes, each with tshark's count
// as a presence fact. Counts are not required to match exactly: tshark also decodes HTTP on ports
// the sensor pins to another protocol (HTTP on Modbus port 502) or that no probe sees in time.
// Presence is required wherever the sensor produced HTTP PDUs for the capture at all.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface HttpTruth {
  hosts?: Record<string, number>;
  user_agents?: Record<string, number>;
  servers?: Record<string, number>;
  methods?: Record<string, number>;
  response_codes?: Record<string, number>;
}

export const matcher: TruthMatcher = {
  section: 'http',
  check(truth: unknown, all: ReadonlyArray<Pdu>): FactCheck[] {
    const t = truth as HttpTruth;
    const pdus = all.filter((p) => p.proto === 'http');
    const facts: FactCheck[] = [];
    const count = (field: string, v: string) => pdus.filter((p) => String(p[field]) === v).length;
    const add = (label: string, field: string, m: Record<string, number> | undefined) => {
      for (const [v, n] of Object.entries(m ?? {})) {
        const ours = count(field, v);
        facts.push({ fact: `${label} ${v}`, found: ours > 0, required: pdus.length > 0, ...(ours > 0 ? {} : { why: pdus.length > 0 ? 'not seen' : 'no HTTP PDU: the flow is pinned to its port\'s protocol (HTTP on Modbus 502)' }) });
        facts.push({ fact: `${label} ${v} count ${n}`, found: ours === n, required: false, ...(ours === n ? {} : { why: `ours: ${ours}` }) });
      }
    };
    add('host', 'host', t.hosts);
    add('user agent', 'userAgent', t.user_agents);
    add('server', 'server', t.servers);
    add('method', 'method', t.methods);
    add('status', 'statusCode', t.response_codes);
    return facts;
  },
};
