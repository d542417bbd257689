// Connections in the sensor's wire shape (spec §1.5): one per device pair, built from the address
// pairs the observer keeps, incrementally between flushes (issue 5: a flush costs what changed).
import type { Inventory, SensorConnection } from './devices.js';
import type { InventoryObserver } from './observer.js';
import type { PairObservation } from './subjects.js';

/** materializeSteps() (devices.ts) and the connection steps yield after this many subjects, devices or address pairs */
export const MATERIALIZE_STEP = 500;

/** What a flush keeps between flushes to update connections incrementally (InventoryService owns it). */
export interface ConnectionMemo {
  /** device pair "lo hi" -> its connection object and the address pairs it is made of */
  byKey: Map<string, { conn: SensorConnection; pairs: Set<PairObservation> }>;
  /** each address pair's device pair key (null: not between two devices) */
  keyOf: Map<PairObservation, string | null>;
}

function connectionKey(p: PairObservation, idOfIp: (ip: string) => number | null): string | null {
  const a = idOfIp(p.client), b = idOfIp(p.server);
  if (a === null || b === null || a === b) return null;
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/** One device pair's connection from its address pairs: the first device is the earliest pair's client. */
function connectionOf(pairs: Iterable<PairObservation>, idOfIp: (ip: string) => number | null): SensorConnection {
  const list = [...pairs].sort((a, b) => a.discovered - b.discovered);
  const first = list[0]!;
  const c: SensorConnection = { firstDeviceId: idOfIp(first.client)!, secondDeviceId: idOfIp(first.server)!, lastSeen: 0, discovered: Infinity, ports: [], protocols: [] };
  for (const p of list) {
    c.discovered = Math.min(c.discovered, Math.floor(p.discovered / 1000));
    c.lastSeen = Math.max(c.lastSeen, Math.floor(p.lastSeen / 1000));
    for (const port of p.ports) if (!c.ports.includes(port)) c.ports.push(port);
    for (const [name, cmds] of p.protocols) {
      let e = c.protocols.find((x) => x.name === name);
      if (!e) c.protocols.push((e = { name, commands: [] }));
      for (const cmd of cmds) if (!e.commands.includes(cmd)) e.commands.push(cmd);
    }
  }
  c.ports.sort((x, y) => x - y);
  return c;
}

/**
 * Connections, one per device pair. With a memo, only the device pairs of changed address pairs are
 * rebuilt (a flush then costs what the traffic changed, not the 200,000 connections a big plant has);
 * everything is rebuilt when an address moved to another device (rare: a router found, an ARP bind).
 * Yields every MATERIALIZE_STEP pairs or addresses (materializeSteps runs it in slices). `dirty` is what
 * takeChangedPairs() took when the materialization began; the first `ipsKeyed` IPs of obs.ips have
 * their device keys in idOfIp.
 */
export function* buildConnectionSteps(obs: InventoryObserver, dirty: PairObservation[], ipsKeyed: number, idOfIp: (ip: string) => number | null, ipIds?: Map<string, number | null>, memo?: ConnectionMemo): Generator<void, Pick<Inventory, 'connections' | 'changedConnections' | 'failed'>, void> {
  let n = 0;
  let moved = false;
  if (ipIds) {
    // only the IPs whose device key this materialization worked out: one that arrived during its
    // slices has none yet, and recording it as "no device" would read as a move at the next flush
    let k = 0;
    for (const s of obs.ips.values()) {
      if (k++ >= ipsKeyed) break;
      if (++n % MATERIALIZE_STEP === 0) yield;
      const id = idOfIp(s.ip);
      if (ipIds.get(s.ip) !== id) {
        if (ipIds.has(s.ip)) moved = true;
        ipIds.set(s.ip, id);
      }
    }
  }
  const changed = new Set<SensorConnection>();
  const affected = new Set<string>();
  const full = !memo || moved || memo.keyOf.size === 0;
  const m: ConnectionMemo = memo ?? { byKey: new Map(), keyOf: new Map() };
  const place = (p: PairObservation) => {
    const key = connectionKey(p, idOfIp);
    const before = m.keyOf.get(p);
    if (before !== undefined && before !== key && before !== null) {
      m.byKey.get(before)?.pairs.delete(p);
      affected.add(before);
    }
    m.keyOf.set(p, key);
    if (key === null) return;
    let e = m.byKey.get(key);
    if (!e) m.byKey.set(key, (e = { conn: null as unknown as SensorConnection, pairs: new Set() }));
    e.pairs.add(p);
    affected.add(key);
  };
  if (full) {
    m.byKey.clear();
    m.keyOf.clear();
    for (const p of obs.pairs.values()) {
      if (++n % MATERIALIZE_STEP === 0) yield;
      place(p);
    }
  } else {
    for (const p of dirty) {
      if (++n % MATERIALIZE_STEP === 0) yield;
      place(p);
    }
  }
  for (const key of affected) {
    if (++n % MATERIALIZE_STEP === 0) yield;
    const e = m.byKey.get(key)!;
    if (e.pairs.size === 0) { m.byKey.delete(key); continue; }
    e.conn = connectionOf(e.pairs, idOfIp);
    changed.add(e.conn);
  }
  // with a memo the caller stores only what changed: listing and sorting 200,000 connections per
  // flush would cost more than the changes themselves
  const connections = memo ? [...changed] : [...m.byKey.values()].map((e) => e.conn).sort((a, b) => a.discovered - b.discovered || a.firstDeviceId - b.firstDeviceId || a.secondDeviceId - b.secondDeviceId);
  return {
    connections,
    ...(memo ? { changedConnections: changed, failed: () => { for (const p of dirty) obs.changed(p); } } : {}),
  };
}

/**
 * The address pairs changed since the last flush, taken (and, with a memo, marked clean) when a
 * materialization begins, before its first slice: every IP of these pairs is then in the device
 * keys the slices work out. Traffic from here on, during the slices or while the write is under way,
 * marks pairs again for the next flush; should the write fail, failed() puts these marks back.
 */
export function takeChangedPairs(obs: InventoryObserver, memo?: ConnectionMemo): PairObservation[] {
  const dirty = [...obs.changedPairs];
  if (memo) {
    for (const p of dirty) p.dirty = false;
    obs.changedPairs.clear();
  }
  return dirty;
}
