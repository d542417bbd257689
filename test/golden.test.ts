// Golden pcap tests (architecture.md test layer 3): every capture under pcaps/ runs through the real
// pipeline; its canonical output (stats with anomalies, flows, every decoded PDU, and the device
// inventory and connections it yields) is compared
// with fixtures/golden/<same path>/. After a deliberate
// change, `UPDATE_GOLDEN=1 npm test` rewrites them and the diff is reviewed like code. The checks that
// must survive any regeneration are in generated-captures.test.ts (from pcaps/EXPECTED.json).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import type { Direction, Pdu } from '../src/decode/types.js';
import type { Flow } from '../src/flows/flow.js';
import { materialize } from '../src/analyzers/inventory/devices.js';
import { InventoryObserver } from '../src/analyzers/inventory/observer.js';
import { defaultRegistry } from '../src/analyzers/inventory/oui.js';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { ROOT } from './support/env.js';

const PCAPS = join(ROOT, 'pcaps');
const GOLDEN = join(ROOT, 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function captures(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return captures(p);
    return /\.(pcap|pcapng)(\.gz)?$/.test(name) ? [p] : [];
  });
}

/** Flows as they ended, in a stable order, with the facts an operator would look at. */
function flowLog(): Analyzer & { flows: unknown[] } {
  const a = {
    name: 'flow-log',
    flows: [] as unknown[],
    flowEnd(f: Flow) {
      a.flows.push({
        id: f.id, flow: f.describe(), first: f.firstTs, last: f.lastTs,
        packets: [f.packets0, f.packets1], bytes: [f.bytes0, f.bytes1], midstream: f.midstream, closed: f.closedTs > 0,
      });
    },
  };
  return a;
}

/** Captures with more PDUs than this get a summary by protocol, kind and function instead of the list. */
const MAX_LISTED_PDUS = 1000;

/** Every application PDU in order, with its flow id, direction and capture time, as plain JSON. */
function pduLog(): Analyzer & { pdus: unknown[] } {
  const a = {
    name: 'pdu-log',
    pdus: [] as unknown[],
    pdu(p: Pdu, flow: Flow | null, dir: Direction, ts: number) {
      // serialized now: a PDU is the dissector's to build, the log must not see later changes
      a.pdus.push(JSON.parse(JSON.stringify({ ts, flow: flow?.id ?? null, dir, ...p }, plain)));
    },
  };
  return a;
}

/** Bytes as hex and big integers as text, so PDUs read well in a diff. */
function plain(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (ArrayBuffer.isView(original)) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function pduOutputs(pdus: unknown[]): Record<string, string> {
  if (pdus.length <= MAX_LISTED_PDUS) return { 'pdus.json': canonical(pdus) };
  const counts = new Map<string, number>();
  for (const p of pdus as Array<Record<string, unknown>>) {
    const k = [p.proto, p.kind, p.functionName ?? ''].join(' / ');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return { 'pdu-summary.json': canonical({ pdus: pdus.length, byProtocolKindFunction: Object.fromEntries([...counts].sort()) }) };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

describe('golden outputs', () => {
  for (const path of captures(PCAPS)) {
    const rel = relative(PCAPS, path);
    it(rel, async () => {
      const log = flowLog();
      const pdus = pduLog();
      const inventory = new InventoryObserver();
      const report = await new Ingest(createSensor([log, pdus, inventory]), { files: [path] }).run();
      const inv = materialize(inventory, { ids: new Map(), vendorOfMac: (m) => defaultRegistry().vendorOf(m) });
      const { totals, files, ...rest } = report;
      const stats = {
        file: { ...files[0]!, path: rel },
        packets: totals.packets, bytes: totals.bytes,
        ...rest,
      };
      const outputs: Record<string, string> = {
        'stats.json': canonical(stats),
        'flows.json': canonical((log.flows as Array<{ id: number }>).sort((a, b) => a.id - b.id)),
        ...pduOutputs(pdus.pdus),
        // the inventory as GET /api/v1/devices and /api/v1/devices/connections would serve it
        'devices.json': canonical(inv.devices.map((d) => d.device)),
        'connections.json': canonical(inv.connections),
      };
      const dir = join(GOLDEN, rel);
      for (const [name, text] of Object.entries(outputs)) {
        const file = join(dir, name);
        if (UPDATE) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
          continue;
        }
        expect(existsSync(file), `${relative(ROOT, file)} is missing: run UPDATE_GOLDEN=1 npm test and review the diff`).toBe(true);
        expect(text, relative(ROOT, file)).toBe(readFileSync(file, 'utf8'));
      }
    });
  }
});
