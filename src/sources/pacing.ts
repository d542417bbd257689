// Replay pacing: as fast as possible, in real time, or at a speed factor. Sensor time is always
// capture time; pacing only decides when packets are handed over, so results do not depend on it.
import { setTimeout as sleep } from 'node:timers/promises';
import { subBatch, type TaggedBatch } from './merge.js';

export type Speed = 'max' | number; // number: 1 = real time, 10 = ten times faster

export function parseSpeed(text: string): Speed {
  if (text === 'max') return 'max';
  if (text === 'realtime') return 1;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`invalid speed '${text}': use max, realtime or a factor such as 10`);
  return n;
}

const SLACK_MS = 2;

export async function* paced(input: AsyncIterable<TaggedBatch>, speed: Speed, signal?: AbortSignal): AsyncGenerator<TaggedBatch> {
  if (speed === 'max') {
    yield* input;
    return;
  }
  let t0 = NaN; // capture time of the first packet
  let w0 = 0; // wall clock when it was handed over
  for await (const tb of input) {
    const { batch } = tb;
    let start = 0;
    for (let i = 0; i < batch.count; i++) {
      const ts = batch.ts[i]!;
      if (Number.isNaN(t0)) { t0 = ts; w0 = performance.now(); }
      const wait = (ts - t0) / 1000 / speed - (performance.now() - w0);
      if (wait > SLACK_MS) {
        if (i > start) yield { batch: subBatch(batch, start, i), source: tb.source };
        start = i;
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        if (signal?.aborted) return;
      }
    }
    if (start < batch.count) yield { batch: subBatch(batch, start, batch.count), source: tb.source };
  }
}
