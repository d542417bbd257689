// Every public capture in ../shared/pcaps ingests without an exception, and what the pipeline counts
// matches tshark's truth: packets, bytes, frames per layer, and distinct conversations.
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { framesByProtocol, HAVE_SHARED, sharedCaptures, SKIP_REASON } from './support/shared.js';

// Our layer ids and the names tshark gives the same layers.
const LAYERS: Array<[string, string]> = [['eth', 'eth'], ['ipv4', 'ip'], ['ipv6', 'ipv6'], ['tcp', 'tcp'], ['udp', 'udp'], ['arp', 'arp'], ['vlan', 'vlan'], ['llc', 'llc']];

describe.skipIf(!HAVE_SHARED)('public captures against their tshark truth', () => {
  const captures = sharedCaptures();

  it('the corpus is there (40 captures)', () => {
    expect(captures.length).toBe(40);
  });

  for (const c of captures) {
    it(c.name, async () => {
      const conversations = new Set<string>();
      // tshark's conversations: protocol plus both endpoints, regardless of timeouts (make_truth.py).
      const conv: Analyzer = {
        name: 'conversations',
        flowStart(f) { conversations.add(`${f.proto} ${[`${f.clientIp}:${f.clientPort}`, `${f.serverIp}:${f.serverPort}`].sort().join(' ')}`); },
      };
      const report = await new Ingest(createSensor([conv]), { files: [c.path] }).run();
      expect(report.files[0]!.error).toBeNull();
      expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
      expect(report.totals.packets).toBe(c.truth.packets);
      const truthFrames = framesByProtocol(c.truth);
      // Every frame is under exactly one depth-0 entry (eth, or e.g. isl for one Cisco frame).
      const wireBytes = c.truth.protocol_hierarchy.filter((e) => e.depth === 0).reduce((n, e) => n + e.bytes, 0);
      expect(report.totals.bytes).toBe(wireBytes);
      for (const [ours, theirs] of LAYERS) expect(report.protocols[ours] ?? 0, `${ours} frames`).toBe(truthFrames[theirs] ?? 0);
      expect(conversations.size).toBe(c.truth.conversation_count);
    });
  }
});

if (!HAVE_SHARED) {
  describe('public captures', () => {
    it.skip(SKIP_REASON, () => {});
  });
}
