// Several captures in timestamp order (like mergecap): a k-way merge at packet granularity that
// yields runs of consecutive packets from one batch as zero-copy sub-batches, tagged with the source.
import type { PacketBatch, PacketSource } from './source.js';

export interface TaggedBatch {
  batch: PacketBatch;
  source: number;
}

/** Packets [start, end) of a batch, sharing its buffer and arrays. */
export function subBatch(b: PacketBatch, start: number, end: number): PacketBatch {
  if (start === 0 && end === b.count) return b;
  return {
    buf: b.buf, count: end - start,
    off: b.off.subarray(start, end), len: b.len.subarray(start, end), origLen: b.origLen.subarray(start, end),
    ts: b.ts.subarray(start, end), linkType: b.linkType.subarray(start, end),
  };
}

export async function* mergeByTime(sources: readonly PacketSource[]): AsyncGenerator<TaggedBatch> {
  if (sources.length === 1) {
    for await (const batch of sources[0]!) yield { batch, source: 0 };
    return;
  }
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const heads: Array<{ batch: PacketBatch; i: number } | null> = [];
  const fill = async (k: number) => {
    for (;;) {
      const r = await its[k]!.next();
      if (r.done) { heads[k] = null; return; }
      if (r.value.count > 0) { heads[k] = { batch: r.value, i: 0 }; return; }
    }
  };
  await Promise.all(sources.map((_, k) => fill(k)));
  for (;;) {
    // The source whose next packet is earliest (ties: the earlier file), and how far it may run
    // before another source's next packet comes first.
    let k = -1;
    let second = Infinity;
    for (let j = 0; j < heads.length; j++) {
      const h = heads[j];
      if (!h) continue;
      const t = h.batch.ts[h.i]!;
      if (k < 0 || t < heads[k]!.batch.ts[heads[k]!.i]!) {
        if (k >= 0) second = Math.min(second, heads[k]!.batch.ts[heads[k]!.i]!);
        k = j;
      } else {
        second = Math.min(second, t);
      }
    }
    if (k < 0) return;
    const h = heads[k]!;
    let e = h.i;
    const ts = h.batch.ts;
    while (e < h.batch.count && (ts[e]! < second || (ts[e]! === second && laterHasTie(heads, k, second)))) e++;
    if (e === h.i) e++; // always make progress
    yield { batch: subBatch(h.batch, h.i, e), source: k };
    h.i = e;
    if (h.i >= h.batch.count) await fill(k);
  }
}

// On equal timestamps the earlier file goes first: k may take a tie only if no earlier source holds it.
function laterHasTie(heads: ReadonlyArray<{ batch: PacketBatch; i: number } | null>, k: number, t: number): boolean {
  for (let j = 0; j < k; j++) {
    const h = heads[j];
    if (h && h.batch.ts[h.i] === t) return false;
  }
  return true;
}
