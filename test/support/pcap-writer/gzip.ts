// gzip wrapping shared by both capture formats.
import { gzipSync } from 'node:zlib';

/** gzip as readers meet it from `tcpdump -w - | gzip`; node's header has mtime 0, so output is deterministic. */
export function gzip(bytes: Buffer): Buffer {
  return gzipSync(bytes, { level: 9 });
}
