// Writes the deterministic test captures in pcaps/ and their facts in pcaps/EXPECTED.json (pcap: draft-ietf-opsawg-pcap, pcapng: draft-ietf-opsawg-pcapng).
// Each folder of pcaps/ has its part in make-pcaps/; this file runs them in a fixed order, so the bytes never change.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT } from './make-pcaps/constants.js';
import { makeDamaged } from './make-pcaps/damaged.js';
import { makeFragments, makeIcmp, makeIpv6Ext, makeMalformed, makeVlan } from './make-pcaps/decode.js';
import { makeDemo } from './make-pcaps/demo.js';
import { expected, readmeRows } from './make-pcaps/expected.js';
import { makeFormat } from './make-pcaps/format.js';
import { ABOUT, render, writeReadme } from './make-pcaps/output.js';
import { makeTcp } from './make-pcaps/tcp.js';

// Run with `npx tsx test/make-pcaps.ts`. Same bytes every run: a fixed clock from 2024-01-01T00:00:00Z and seeded PRNGs.
function main(): void {
  const frames = makeFormat();
  makeDamaged(frames);
  makeVlan();
  makeFragments();
  makeIpv6Ext();
  makeIcmp();
  makeMalformed();
  makeTcp();
  makeDemo();
  writeFileSync(join(OUT, 'EXPECTED.json'), `${render({ _about: ABOUT, files: expected })}\n`);
  writeReadme();
  for (const [f] of readmeRows) {
    const e = expected[f] as { packets: number; bytes: number };
    console.log(`${f.padEnd(42)} ${String(e.packets).padStart(6)} packets ${String(e.bytes).padStart(8)} bytes`);
  }
}

main();
