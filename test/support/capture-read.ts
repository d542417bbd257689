// Reads every packet of a capture file with the project's own reader (timestamps in µs).
import { FileSource } from '../../src/sources/file-source.js';

export async function readCapture(path: string): Promise<Array<{ ts: number; len: number }>> {
  const out: Array<{ ts: number; len: number }> = [];
  const src = new FileSource(path);
  for await (const b of src) for (let i = 0; i < b.count; i++) out.push({ ts: b.ts[i]!, len: b.len[i]! });
  if (src.error) throw new Error(`${path}: ${src.error.reason}`);
  return out;
}
