// OPC UA facts against tshark's truth (ot.opcua): message types with their counts, service NodeIds,
// endpoint URLs, security policies and message security modes, each as one fact the PDUs must show.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface OpcuaTruth {
  message_types?: Record<string, number>;
  service_node_ids?: Record<string, number>;
  endpoint_urls?: string[];
  security_policies?: string[];
  application_uris?: string[];
  message_security_modes?: Record<string, number>;
}

const MODE_NAMES: Record<string, string> = { 1: 'None', 2: 'Sign', 3: 'SignAndEncrypt' };

export const matcher: TruthMatcher = {
  section: 'opcua',
  check(truth: unknown, all: ReadonlyArray<Pdu>): FactCheck[] {
    const t = truth as OpcuaTruth;
    const pdus = all.filter((p) => p.proto === 'opcua');
    const facts: FactCheck[] = [];
    const count = new Map<string, number>();
    for (const p of pdus) count.set(p.messageType as string, (count.get(p.messageType as string) ?? 0) + 1);
    for (const [k, n] of Object.entries(t.message_types ?? {})) {
      facts.push({ fact: `message type ${k}`, found: (count.get(k) ?? 0) > 0, required: true });
      // More than tshark is explained: it leaves a message unreassembled when segments it marks as
      // spurious retransmissions sit inside it (the with-gap capture's 14 KB CreateSessionResponse).
      const ours = count.get(k) ?? 0;
      facts.push({ fact: `message type ${k} count ${n}`, found: ours === n, required: ours <= n, ...(ours > n ? { why: `tshark did not reassemble every message (ours: ${ours})` } : {}) });
    }
    const services = new Set(pdus.map((p) => p.functionCode));
    for (const k of Object.keys(t.service_node_ids ?? {})) facts.push({ fact: `service NodeId ${k}`, found: services.has(Number(k)), required: true });
    // endpoint URLs, policies and modes: tshark lists those of GetEndpointsResponse endpoints too
    const endpoints = pdus.flatMap((p) => (p.endpoints as Array<Record<string, unknown>> | undefined) ?? []);
    const urls = new Set([...pdus.map((p) => p.endpointUrl), ...endpoints.map((e) => e.endpointUrl)].filter((u) => u !== undefined));
    for (const u of t.endpoint_urls ?? []) facts.push({ fact: `endpoint URL ${u}`, found: urls.has(u), required: true });
    const policies = new Set([...pdus.map((p) => p.securityPolicy), ...endpoints.map((e) => e.securityPolicy)].filter((u) => u !== undefined));
    for (const u of t.security_policies ?? []) facts.push({ fact: `security policy ${u}`, found: policies.has(u), required: true });
    const appUris = new Set([...pdus.map((p) => p.applicationUri), ...pdus.map((p) => p.serverApplicationUri)].filter((u) => u !== undefined));
    for (const u of t.application_uris ?? []) {
      const found = appUris.has(u);
      facts.push({ fact: `application URI ${u}`, found, required: false, ...(found ? {} : { why: 'decoded from CreateSession requests and GetEndpoints responses only (not FindServers or CreateSession responses)' }) });
    }
    // tshark counts modes from OpenSecureChannel requests and from the endpoint lists of
    // GetEndpoints responses; an OPN under a policy other than None hides its mode.
    const modes = new Set([...pdus.map((p) => p.securityMode), ...endpoints.map((e) => e.securityMode)].filter((m) => m !== undefined));
    for (const k of Object.keys(t.message_security_modes ?? {})) {
      facts.push({ fact: `message security mode ${k}`, found: modes.has(MODE_NAMES[k] ?? Number(k)), required: true });
    }
    return facts;
  },
};
