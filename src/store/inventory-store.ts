// Devices and connections in SQLite (architecture "Storage"): one row per device and per device pair,
// each holding the exact API object, so the API serves rows as they are and the CLI of another
// process reads the same. Writes are incremental (only rows whose object changed) and one short
// transaction each, so a request never waits long behind a flush.
import type { Inventory, SensorConnection, SensorDevice } from '../analyzers/inventory/devices.js';
import { type Db, withWriteLock } from './database.js';

/** One changed row, written when called (under the lock); says what it wrote, or null when unchanged. */
interface Row {
  newDevice: boolean;
  write: () => 'device' | 'connection' | null;
}

export interface ConnectionFilter {
  /** epoch ms */
  discoveredBefore?: number;
  discoveredAfter?: number;
  lastActiveInMinutes?: number;
  deviceId?: number;
}

/** The sensor clock: the latest capture time ingested, epoch ms (`fallback` before any). */
export function sensorClock(db: Db, fallback: number): number {
  return (db.prepare("SELECT value FROM inventory_meta WHERE name = 'clock'").pluck().get() as number | undefined) ?? fallback;
}

export class InventoryStore {
  /** what this process last wrote, to skip unchanged rows */
  private readonly written = new Map<string, string>();
  /** each row as it was before this process first wrote it: earlier runs' knowledge, merged in */
  private readonly baseDevice = new Map<number, SensorDevice | null>();
  private readonly baseConnection = new Map<string, SensorConnection | null>();

  private dataVersion = -1;
  /** device ids known to have a row (read from the store, or written by this process) */
  private readonly stored = new Set<number>();

  constructor(private readonly db: Db) {}

  /** key -> id of every device stored (earlier runs, other processes). */
  ids(): Map<string, number> {
    const rows = this.db.prepare('SELECT key, id FROM devices').all() as Array<{ key: string; id: number }>;
    return new Map(rows.map((r) => [r.key, r.id]));
  }

  /**
   * Materializes and writes under the write lock, in one transaction: `build` gets the stored ids (so
   * keys another run numbered keep their numbers and new ones continue after them).
   */
  update(ids: Map<string, number>, build: () => Inventory, clockMs: number): { devices: number; connections: number } {
    return withWriteLock(this.db, () => {
      const rows = this.plan(ids, build);
      const counts = { devices: 0, connections: 0 };
      for (const r of rows) this.tally(counts, r.write());
      this.finishWrite(counts, clockMs);
      return counts;
    });
  }

  /**
   * The same in slices of `rowsPerSlice` rows, each its own short transaction with the event loop
   * free in between, for the daemon that serves the API while it ingests (issue 5: no request waits
   * more than 50 ms for a flush). Devices new to the store are written in the first slice, with the
   * id reconciliation, so two processes can never number one key twice.
   */
  async updateInSlices(ids: Map<string, number>, build: () => Inventory, clockMs: number, rowsPerSlice = 200): Promise<{ devices: number; connections: number }> {
    const counts = { devices: 0, connections: 0 };
    let rest: Row[] = [];
    // the first transaction holds the materialization: it writes only what must not wait (new
    // devices, so their ids are taken), and the rows follow in later slices
    withWriteLock(this.db, () => {
      const rows = this.plan(ids, build);
      for (const r of rows) if (r.newDevice) this.tally(counts, r.write()); else rest.push(r);
      if (rest.length === 0) this.finishWrite(counts, clockMs);
    });
    while (rest.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      withWriteLock(this.db, () => {
        for (const r of rest.splice(0, rowsPerSlice)) this.tally(counts, r.write());
        if (rest.length === 0) this.finishWrite(counts, clockMs);
      });
    }
    rest = [];
    return counts;
  }

  private tally(c: { devices: number; connections: number }, what: 'device' | 'connection' | null): void {
    if (what === 'device') c.devices++;
    else if (what === 'connection') c.connections++;
  }

  private finishWrite(c: { devices: number; connections: number }, clockMs: number): void {
    const meta = this.db.prepare(`INSERT INTO inventory_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
    if (c.devices + c.connections > 0) meta.run('version', this.version() + 1);
    if (clockMs > this.clock(0)) meta.run('clock', clockMs);
  }

  /** Reconciles ids, builds the inventory and returns one writer per changed row (called under the lock). */
  private plan(ids: Map<string, number>, build: () => Inventory): Row[] {
    // another process's commit changes data_version (SQLite §PRAGMA data_version): only then can
    // it have numbered devices this process does not know, and the ids are read again
    const dv = this.db.pragma('data_version', { simple: true }) as number;
    if (dv !== this.dataVersion) {
      for (const [k, v] of this.ids()) {
        ids.set(k, v);
        this.stored.add(v);
      }
    }
    this.dataVersion = dv;
    const inv = build();
    const oldDoc = this.db.prepare('SELECT doc FROM devices WHERE id = ?').pluck();
    const putDevice = this.db.prepare(`INSERT INTO devices (id, key, first_seen, last_seen, authorized, doc) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen), doc = excluded.doc`);
    const oldConn = this.db.prepare('SELECT doc FROM connections WHERE lo = ? AND hi = ?').pluck();
    const putConn = this.db.prepare(`INSERT INTO connections (lo, hi, discovered, last_seen, doc) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (lo, hi) DO UPDATE SET discovered = excluded.discovered, last_seen = excluded.last_seen, doc = excluded.doc`);
    const rows: Row[] = [];
    for (const d of inv.changedDevices ?? inv.devices) {
      const id = d.device.id;
      rows.push({ newDevice: !this.stored.has(id), write: () => {
        const memo = `d${id}`;
        const fresh = JSON.stringify(d.device);
        if (this.written.get(memo) === fresh) return null;
        if (!this.baseDevice.has(id)) {
          const before = oldDoc.get(id) as string | undefined;
          this.baseDevice.set(id, before === undefined ? null : JSON.parse(before) as SensorDevice);
        }
        const base = this.baseDevice.get(id)!;
        const doc = base === null ? d.device : mergeDevice(base, d.device);
        putDevice.run(doc.id, d.key, d.firstSeen, d.lastSeen, doc.authorized ? 1 : 0, JSON.stringify(doc));
        this.written.set(memo, fresh);
        this.stored.add(id);
        return 'device';
      } });
    }
    // with a change list, unchanged connections are not even serialized (the flush stays
    // proportional to the traffic since the last one, not to the whole inventory)
    for (const c of inv.changedConnections ?? inv.connections) {
      rows.push({ newDevice: false, write: () => {
        const lo = Math.min(c.firstDeviceId, c.secondDeviceId), hi = Math.max(c.firstDeviceId, c.secondDeviceId);
        const memo = `c${lo} ${hi}`;
        const fresh = JSON.stringify(c);
        if (this.written.get(memo) === fresh) return null;
        if (!this.baseConnection.has(memo)) {
          const before = oldConn.get(lo, hi) as string | undefined;
          this.baseConnection.set(memo, before === undefined ? null : JSON.parse(before) as SensorConnection);
        }
        const base = this.baseConnection.get(memo)!;
        const doc = base === null ? c : mergeConnection(base, c);
        putConn.run(lo, hi, doc.discovered, doc.lastSeen, JSON.stringify(doc));
        this.written.set(memo, fresh);
        return 'connection';
      } });
    }
    return rows;
  }

  /** Bumped by every write that changed something: the API caches its bodies on it. */
  version(): number {
    return (this.db.prepare("SELECT value FROM inventory_meta WHERE name = 'version'").pluck().get() as number | undefined) ?? 0;
  }

  /** The sensor clock: the latest capture time ingested, epoch ms (`fallback` before any). */
  clock(fallback: number): number {
    return sensorClock(this.db, fallback);
  }

  /** The devices as a JSON array text, rows as stored. */
  devicesJson(authorized?: boolean): string {
    const rows = authorized === undefined
      ? this.db.prepare('SELECT doc FROM devices ORDER BY id').pluck().all()
      : this.db.prepare('SELECT doc FROM devices WHERE authorized = ? ORDER BY id').pluck().all(authorized ? 1 : 0);
    return `[${(rows as string[]).join(',')}]`;
  }

  count(table: 'devices' | 'connections'): number {
    return this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }

  hasDevice(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM devices WHERE id = ?').pluck().get(id) !== undefined;
  }

  connectionsJson(f: ConnectionFilter, nowMs: number): string {
    const where: string[] = [];
    const args: number[] = [];
    if (f.deviceId !== undefined) { where.push('(lo = ? OR hi = ?)'); args.push(f.deviceId, f.deviceId); }
    if (f.discoveredBefore !== undefined) { where.push('discovered < ?'); args.push(f.discoveredBefore); }
    if (f.discoveredAfter !== undefined) { where.push('discovered > ?'); args.push(f.discoveredAfter); }
    if (f.lastActiveInMinutes !== undefined) { where.push('last_seen >= ?'); args.push(nowMs - f.lastActiveInMinutes * 60_000); }
    const sql = `SELECT doc FROM connections${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY lo, hi`;
    return `[${(this.db.prepare(sql).pluck().all(...args) as string[]).join(',')}]`;
  }
}

const known = (v: string | null | undefined) => v !== null && v !== undefined && v !== 'N/A';

/**
 * A device seen again in a later run keeps what earlier runs learned that this run did not (its
 * firmware from an SZL read last week), and an operator's authorization.
 */
export function mergeDevice(old: SensorDevice, now: SensorDevice): SensorDevice {
  const ipName = now.ipAddresses?.includes(now.name) || now.macAddresses?.includes(now.name);
  const union = (a: string[] | null, b: string[] | null) => (a || b ? [...new Set([...(b ?? []), ...(a ?? [])])] : null);
  const protocols = [...now.protocols];
  for (const p of old.protocols) if (!protocols.some((x) => x.name === p.name)) protocols.push(p);
  return {
    ...now,
    ipAddresses: union(old.ipAddresses, now.ipAddresses),
    name: ipName && !(old.ipAddresses?.includes(old.name) || old.macAddresses?.includes(old.name)) ? old.name : now.name,
    vendor: known(now.vendor) ? now.vendor : old.vendor,
    operatingSystem: known(now.operatingSystem) ? now.operatingSystem : old.operatingSystem,
    macAddresses: union(old.macAddresses, now.macAddresses),
    type: now.type === 'Unknown' ? old.type : now.type,
    engineeringStation: now.engineeringStation || old.engineeringStation,
    authorized: old.authorized,
    scanner: now.scanner || old.scanner,
    protocols,
    firmware: now.firmware.length > 0 ? now.firmware : old.firmware,
    hasDynamicAddress: now.hasDynamicAddress || old.hasDynamicAddress,
  };
}

export function mergeConnection(old: SensorConnection, now: SensorConnection): SensorConnection {
  const protocols = now.protocols.map((p) => ({ ...p, commands: [...p.commands] }));
  for (const p of old.protocols) {
    const into = protocols.find((x) => x.name === p.name);
    if (!into) protocols.push(p);
    else for (const c of p.commands) if (!into.commands.includes(c)) into.commands.push(c);
  }
  return {
    firstDeviceId: old.firstDeviceId,
    secondDeviceId: old.secondDeviceId,
    lastSeen: Math.max(old.lastSeen, now.lastSeen),
    discovered: Math.min(old.discovered, now.discovered),
    ports: [...new Set([...old.ports, ...now.ports])].sort((a, b) => a - b),
    protocols,
  };
}
