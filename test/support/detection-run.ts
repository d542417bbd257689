// Runs a capture built in a test through the real pipeline with the detection analyzer (every rule,
// learning off unless asked) and returns what it raised: the one harness of the detection tests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectionAnalyzer } from '../../src/analyzers/detection/detector.js';
import { defaultRules } from '../../src/analyzers/detection/rules/index.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { DEFAULT_SETTINGS } from '../../src/store/config-schema.js';
import { type ConversationMessage, type Endpoint, Rng, tcpConversation } from './frames.js';
import { writePcap, type Packet } from './pcap-writer.js';
import { tempDir } from './env.js';

export type DetectionSettings = typeof DEFAULT_SETTINGS.detection;

export interface DetectOptions {
  settings?: DetectionSettings;
  /** learned entries the run starts from */
  baseline?: string[];
  learning?: { on: boolean; until: number | null };
}

/** Writes `packets` as a pcap in a temp dir (removeTempDirs() cleans up), replays it, drains the detector. */
export async function runDetection(packets: Packet[], o: DetectOptions = {}) {
  const file = join(tempDir(), 'c.pcap');
  writeFileSync(file, writePcap(packets).bytes);
  const det = new DetectionAnalyzer({
    settings: o.settings ?? DEFAULT_SETTINGS.detection, rules: defaultRules(), learning: o.learning ?? { on: false, until: null }, baseline: o.baseline,
  });
  await new Ingest(createSensor([det]), { files: [file] }).run();
  const { alerts, events, learned } = det.drain();
  return {
    alerts, events, learned,
    titled: (title: string) => alerts.filter((a) => a.hit.title === title),
    typed: (type: string) => events.filter((e) => e.type === type),
  };
}

/** A TCP conversation (handshake, messages, close) as capture records, times in microseconds. */
export function tcpPackets(client: Endpoint, server: Endpoint, messages: ConversationMessage[], startNs: bigint, seed: number): Packet[] {
  return tcpConversation({ client, server, startNs, rng: new Rng(seed), messages }).frames.map((f) => ({ ts: Number(f.tsNs / 1000n), data: f.data }));
}

// The stations the detection tests put on the wire (private addresses, locally administered MACs),
// each at the port it serves or a client port.
/** a DNP3 master and outstation (IEEE 1815, TCP 20000) */
export const MASTER: Endpoint = { mac: '02:00:00:00:01:0a', ip: '192.168.100.10', port: 49200 };
export const OUTSTATION: Endpoint = { mac: '02:00:00:00:01:14', ip: '192.168.100.20', port: 20000 };
/** an IEC 60870-5-104 controlling station and RTU (TCP 2404) */
export const SCADA: Endpoint = { mac: '02:00:00:10:40:01', ip: '10.104.0.10', port: 49320 };
export const RTU: Endpoint = { mac: '02:00:00:10:40:02', ip: '10.104.0.20', port: 2404 };
/** a Modbus/TCP client and server (TCP 502) */
export const HMI: Endpoint = { mac: '02:00:00:00:02:0a', ip: '10.0.1.10', port: 50200 };
export const PLC: Endpoint = { mac: '02:00:00:00:02:15', ip: '10.0.1.21', port: 502 };
