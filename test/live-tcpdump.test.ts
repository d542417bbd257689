// The tcpdump source's counters, without root: a stand-in `tcpdump` script speaks its protocol (pcap on
// stdout, "listening on" and the counters on stderr, counters on SIGUSR1 and again on SIGTERM).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TcpdumpSource } from '../src/sources/live-tcpdump.js';
import { removeTempDirs, sleep, tempDir } from './support/env.js';

afterAll(removeTempDirs);

function fakeTcpdump(): string {
  const path = join(tempDir(), 'tcpdump');
  writeFileSync(path, `#!/bin/sh
trap 'echo "12 packets captured" >&2; echo "12 packets received by filter" >&2; echo "3 packets dropped by kernel" >&2' USR1
trap 'echo "12 packets captured" >&2; echo "9 packets dropped by kernel" >&2; exit 0' TERM
# pcap header: µs, little-endian, version 2.4, snaplen 262144, Ethernet
printf '\\324\\303\\262\\241\\002\\000\\004\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\004\\000\\001\\000\\000\\000'
echo "tcpdump: listening on fake0, link-type EN10MB (Ethernet), snapshot length 262144 bytes" >&2
while :; do sleep 0.1; done
`);
  chmodSync(path, 0o755);
  return path;
}

it('reports kernel drops while capturing (SIGUSR1) and when it stops', async () => {
  let listening = '';
  const src = new TcpdumpSource('fake0', null, { command: fakeTcpdump(), onListening: (lt) => { listening = lt; } });
  const done = (async () => { for await (const _ of src) { /* no packets */ } })();
  await sleep(2600); // one stats poll (every 2 s) after it started listening
  expect(listening).toBe('EN10MB (Ethernet)');
  expect(src.dropped).toBe(3);
  await src.close();
  await done;
  expect(src.dropped).toBe(9);
  expect(src.error).toBeNull();
  expect(src.info.linkTypes).toEqual([1]);
});

it('says why when tcpdump cannot start', async () => {
  const src = new TcpdumpSource('nope0', null, { command: join(tempDir(), 'no-such-tcpdump') });
  for await (const _ of src) { /* nothing */ }
  expect(src.error).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/tcpdump failed/) });
});
