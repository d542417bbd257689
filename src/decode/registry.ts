// Builds the dispatch tables from the dissectors' declared bindings. A pure function: it receives
// the list (dissectors/index.ts) from whoever composes the pipeline and fails at start-up when two
// dissectors claim the same table value (architecture.md rule 2).
import { type Dissector, TABLE_SIZE, TABLES, type TableName } from './types.js';

export interface Registry {
  readonly dissectors: readonly Dissector[];
  /** tables[t][value] = index into `dissectors`, or -1 */
  readonly tables: readonly Int16Array[];
  /** stream and datagram dissectors with a probe, for traffic on ports nobody is bound to */
  readonly probing: readonly number[];
  indexOf(id: string): number;
}

/** Ports moved or added by configuration, e.g. { 'tcp.port': { modbus: [502, 5020] } }. */
export type BindingOverrides = Partial<Record<TableName, Record<string, number[]>>>;

export function buildRegistry(dissectors: readonly Dissector[], overrides: BindingOverrides = {}): Registry {
  const ids = new Map<string, number>();
  dissectors.forEach((d, i) => {
    if (ids.has(d.id)) throw new Error(`two dissectors share the id '${d.id}'`);
    ids.set(d.id, i);
  });
  const tables = TABLES.map((_, t) => new Int16Array(TABLE_SIZE[t]!).fill(-1));
  const bind = (table: TableName, value: number, i: number) => {
    const t = TABLES.indexOf(table);
    if (!Number.isInteger(value) || value < 0 || value >= TABLE_SIZE[t]!) throw new Error(`${dissectors[i]!.id}: ${table} ${value} is out of range`);
    const prev = tables[t]![value]!;
    if (prev !== -1 && prev !== i) throw new Error(`binding conflict: ${table} ${value} is claimed by '${dissectors[prev]!.id}' and '${dissectors[i]!.id}'`);
    tables[t]![value] = i;
  };
  dissectors.forEach((d, i) => {
    for (const b of d.bindings) {
      const moved = overrides[b.table]?.[d.id];
      if (!moved) bind(b.table, b.value, i);
    }
  });
  for (const [table, byId] of Object.entries(overrides) as Array<[TableName, Record<string, number[]>]>) {
    for (const [id, values] of Object.entries(byId)) {
      const i = ids.get(id);
      if (i === undefined) throw new Error(`binding override names an unknown dissector '${id}'`);
      for (const v of values) bind(table, v, i);
    }
  }
  const probing = dissectors.flatMap((d, i) => (d.kind !== 'layer' && d.probe ? [i] : []));
  return { dissectors, tables, probing, indexOf: (id) => ids.get(id) ?? -1 };
}
