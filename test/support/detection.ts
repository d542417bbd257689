// Runs captures through the real pipeline with the inventory and detection services writing into a
// real data dir (SQLite file, alert PCAP files), as `otsensor replay` does, for detection tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAppliance } from '../../src/appliance.js';
import { DetectionService } from '../../src/detection-service.js';
import { Ingest } from '../../src/ingest.js';
import { InventoryService } from '../../src/inventory-service.js';
import { createSensor } from '../../src/pipeline.js';
import type { Settings } from '../../src/store/config-schema.js';

export interface ReplayOptions {
  learning?: { on: boolean; until: number | null; untilOffset?: number };
  /** settings changes for this run (e.g. an engine switched off) */
  detection?: Partial<Settings['detection']>;
  /** write with the daemon's sliced flush, this many alerts per transaction */
  alertsPerSlice?: number;
}

export async function replayInto(dataDir: string, files: string[], opts: ReplayOptions = {}) {
  const app = await openAppliance(dataDir, { bootstrap: false });
  try {
    if (opts.detection) app.config.mutate((d) => { Object.assign(d.settings.detection, opts.detection); });
    const inventory = new InventoryService(app.db);
    const detection = new DetectionService({ db: app.db, dataDir, settings: () => app.config.data.settings, inventory, learning: opts.learning });
    inventory.afterFlush = (sliced) => (sliced ? detection.flushInSlices(Date.now(), opts.alertsPerSlice) : void detection.flush());
    const report = await new Ingest(createSensor([inventory.observer, ...detection.analyzers()]), { files }).run();
    detection.finish();
    if (opts.alertsPerSlice) await inventory.flushInSlices();
    else inventory.flush();
    await detection.settled();
    const alerts = detection.store.list();
    // each alert's pcap exported to a file of its own, as `otsensor alerts pcap ID -o FILE` does
    const exported = join(dataDir, 'exported');
    mkdirSync(exported, { recursive: true });
    const paths = new Map(alerts.map((a) => {
      const bytes = detection.pcaps.read(a.id);
      if (!bytes) return [a.id, null];
      const file = join(exported, `alert-${a.id}.pcap`);
      writeFileSync(file, bytes);
      return [a.id, file];
    }));
    return {
      report,
      alerts,
      events: detection.store.events.list(null, null, 100_000),
      baseline: detection.store.baseline.count(),
      devices: JSON.parse(inventory.store.devicesJson()) as Array<{ id: number; ipAddresses: string[] | null; macAddresses: string[] | null; authorized: boolean }>,
      pcapPath: (id: number) => paths.get(id) ?? null,
    };
  } finally {
    app.close();
  }
}
