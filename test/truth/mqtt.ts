// MQTT facts against tshark's truth (it.mqtt / ot.mqtt): message types, topics (PUBLISH topic names
// and SUBSCRIBE/UNSUBSCRIBE filters), client ids, user names and protocol levels from CONNECT.
import type { Pdu } from '../../src/decode/types.js';
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface MqttTruth {
  message_types?: Record<string, number>;
  topics?: Record<string, number>;
  client_ids?: string[];
  usernames?: string[];
  protocol_versions?: number[];
}

export const matcher: TruthMatcher = {
  section: 'mqtt',
  check(truth: unknown, all: ReadonlyArray<Pdu>): FactCheck[] {
    const t = truth as MqttTruth;
    const pdus = all.filter((p) => p.proto === 'mqtt');
    const facts: FactCheck[] = [];
    const types = new Set(pdus.map((p) => p.functionCode as number));
    for (const k of Object.keys(t.message_types ?? {})) {
      const code = Number.parseInt(k, 10);
      facts.push({ fact: `message type ${k}`, found: types.has(code), required: true });
    }
    // Exact packet counts per type, as tshark counts them.
    for (const [k, n] of Object.entries(t.message_types ?? {})) {
      const code = Number.parseInt(k, 10);
      const ours = pdus.filter((p) => p.functionCode === code).length;
      facts.push({ fact: `message type ${k} count ${n}`, found: ours === n, required: true, ...(ours === n ? {} : { why: `ours: ${ours}` }) });
    }
    const topics = new Set<string>();
    for (const p of pdus) {
      if (typeof p.topic === 'string') topics.add(p.topic);
      if (Array.isArray(p.topics)) for (const x of p.topics as string[]) topics.add(x);
    }
    for (const k of Object.keys(t.topics ?? {})) facts.push({ fact: `topic ${k}`, found: topics.has(k), required: true });
    const clients = new Set(pdus.map((p) => p.clientId).filter((x) => x !== undefined));
    for (const c of t.client_ids ?? []) facts.push({ fact: `client id ${c}`, found: clients.has(c), required: true });
    const users = new Set(pdus.map((p) => p.username).filter((x) => x !== undefined));
    for (const u of t.usernames ?? []) facts.push({ fact: `username ${u}`, found: users.has(u), required: true });
    const versions = new Set(pdus.map((p) => p.protocolVersion).filter((x) => x !== undefined));
    for (const v of t.protocol_versions ?? []) facts.push({ fact: `protocol level ${v}`, found: versions.has(v), required: true });
    return facts;
  },
};
