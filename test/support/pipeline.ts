// Runs a capture through the real pipeline (Ingest + createSensor) and collects every application
// PDU with the addresses of its sender and receiver, for protocol tests and the truth comparison.
import { join } from 'node:path';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import type { Pdu } from '../../src/decode/types.js';
import { Ingest, type IngestReport } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from './env.js';

export type SeenPdu = Pdu & { src: string; dst: string };

export async function ingestFile(path: string): Promise<{ pdus: SeenPdu[]; report: IngestReport }> {
  const pdus: SeenPdu[] = [];
  const collect: Analyzer = {
    name: 'collect',
    pdu(p, flow, dir) {
      // flow-less (link-layer) PDUs carry their MACs instead
      const src = flow ? (dir === 0 ? flow.clientIp : flow.serverIp) : '';
      const dst = flow ? (dir === 0 ? flow.serverIp : flow.clientIp) : '';
      pdus.push({ ...p, src, dst });
    },
  };
  const report = await new Ingest(createSensor([collect]), { files: [path] }).run();
  return { pdus, report };
}

/** A capture the project generates, by its path under pcaps/. */
export function ingestCapture(name: string): Promise<{ pdus: SeenPdu[]; report: IngestReport }> {
  return ingestFile(join(ROOT, 'pcaps', name));
}
