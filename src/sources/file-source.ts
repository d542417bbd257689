// A capture file as a packet source: pcap or pcapng, gzip'd or not (detected by magic, not by name),
// read in 1 MiB chunks so memory stays flat on any file size and back-pressure is natural.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CaptureParser } from './capture-parser.js';
import type { CaptureError, CaptureInfo, PacketBatch, PacketSource } from './source.js';

const CHUNK = 1 << 20;
// Room kept in front of each read for the unfinished record of the previous one.
const CARRY_ROOM = 256 * 1024;

export class FileSource implements PacketSource {
  readonly info: CaptureInfo = { format: 'pcap', linkTypes: [], gzip: false };
  error: CaptureError | null = null;
  readonly dropped = null;
  /** bytes of the file read so far (compressed bytes for .gz), for progress */
  fileBytesRead = 0;
  fileSize = 0;
  packets = 0;
  private parser: CaptureParser;

  constructor(readonly name: string, private readonly chunkSize = CHUNK) {
    this.parser = new CaptureParser(name);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PacketBatch> {
    let fh;
    try {
      fh = await open(this.name, 'r');
      this.fileSize = (await stat(this.name)).size;
    } catch (err) {
      this.error = { file: this.name, offset: 0, reason: `cannot open: ${(err as Error).message}`, kind: 'unreadable' };
      return;
    }
    try {
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      if (head[0] === 0x1f && head[1] === 0x8b) {
        this.info.gzip = true;
        yield* this.readGzip(fh);
      } else {
        yield* this.readPlain(fh);
      }
    } finally {
      await fh.close();
      this.error ??= this.parser.error;
      this.info.linkTypes = this.parser.linkTypes;
      if (this.parser.format) this.info.format = this.parser.format;
    }
  }

  // Double-buffered: the next read runs while this chunk is parsed and ingested. Each read lands
  // behind CARRY_ROOM spare bytes, where the previous chunk's unfinished record is copied, so only
  // that small tail is ever copied (not the whole chunk, as concatenating would).
  private async *readPlain(fh: FileHandle): AsyncGenerator<PacketBatch> {
    const read = () => {
      const buf = Buffer.allocUnsafe(CARRY_ROOM + this.chunkSize); // each batch keeps its own buffer
      return fh.read(buf, CARRY_ROOM, this.chunkSize, null).then(({ bytesRead }) => ({ buf, bytesRead }));
    };
    let next = read();
    for (;;) {
      const { buf, bytesRead } = await next;
      if (bytesRead === 0) break;
      next = read();
      this.fileBytesRead += bytesRead;
      const carry = this.parser.takePending();
      let chunk: Buffer;
      if (!carry) chunk = buf.subarray(CARRY_ROOM, CARRY_ROOM + bytesRead);
      else if (carry.length <= CARRY_ROOM) {
        carry.copy(buf, CARRY_ROOM - carry.length);
        chunk = buf.subarray(CARRY_ROOM - carry.length, CARRY_ROOM + bytesRead);
      } else {
        chunk = Buffer.concat([carry, buf.subarray(CARRY_ROOM, CARRY_ROOM + bytesRead)]); // a record over 256 KiB
      }
      const batch = this.feed(chunk);
      if (batch) yield batch;
      if (this.parser.failed) break;
    }
    await next.catch(() => undefined); // let an outstanding read settle before the handle closes
    this.parser.end();
  }

  private async *readGzip(fh: FileHandle): AsyncGenerator<PacketBatch> {
    // The stream reads through the handle but leaves closing it to the caller.
    const raw = fh.createReadStream({ start: 0, autoClose: false, highWaterMark: this.chunkSize });
    raw.on('data', (c: Buffer | string) => { this.fileBytesRead += c.length; });
    const gunzip = createGunzip({ chunkSize: this.chunkSize });
    raw.pipe(gunzip);
    try {
      for await (const chunk of gunzip) {
        const batch = this.feed(chunk as Buffer);
        if (batch) yield batch;
        if (this.parser.failed) break;
      }
      this.parser.end();
    } catch (err) {
      // The compressed stream itself is cut or damaged: packets before it were delivered.
      this.parser.end();
      const reason = `the gzip stream is damaged (${(err as Error).message})`;
      this.error = { file: this.name, offset: this.parser.error?.offset ?? 0, reason, kind: this.packets > 0 ? 'truncated' : 'unreadable' };
    } finally {
      raw.destroy();
      gunzip.destroy();
    }
  }

  private feed(chunk: Buffer): PacketBatch | null {
    const batch = this.parser.push(chunk);
    if (batch) this.packets += batch.count;
    return batch;
  }

  async close(): Promise<void> {}
}
