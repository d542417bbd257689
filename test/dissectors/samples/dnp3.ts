// Whole DNP3 link frames (one per sample, each a complete single-segment application fragment or a
// link-only frame), for the conformance suite. Origins are given per sample.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '056408c40a000100fc42c0c00d9c86', note: 'Cold Restart 1 -> 10 (../shared dnp3-cold-restart.pcap frame 4)' },
  { dir: 1, hex: '05640a4401000a006e25c0c0810001c2de', note: 'Response 10 -> 1, IIN2 no function support (dnp3-cold-restart.pcap frame 6)' },
  { dir: 0, hex: '056418c405006400feddccc7030c011701084201f40100000000d2fd000000ffff', note: 'Select g12v1 CROB 100 -> 5 (icsnpp-dnp3-sel-example.pcap frame 292)' },
  { dir: 0, hex: '056414c40100640067d6c6c7013c02063c03063c04063c010673c0', note: 'Read class 1,2,3,0 100 -> 1 (zeek-dnp3-udp-read.pcap frame 5)' },
  { dir: 0, hex: '05640549640001007e5f', note: 'Request Link Status 1 -> 100 (zeek-dnp3-udp-read.pcap frame 1)' },
  { dir: 1, hex: '0564058b01006400a097', note: 'Link Status 100 -> 1 (zeek-dnp3-udp-read.pcap frame 2)' },
  { dir: 0, hex: '05641ac40a0001008a1cc0c3050c012801000300030164000000c3650000000000ffff', note: 'Direct Operate g12v1 index 3 (test/pcapgen/dnp3.ts)' },
  { dir: 1, hex: '0564164401000a001d8ac0f08202002001280100010001102700308300ffff', note: 'Unsolicited Response g32v1 (test/pcapgen/dnp3.ts)' },
  { dir: 1, hex: '0564214401000a0060ddc0c28100000202280200030081e80300623e000000050001e903000000009ed6', note: 'Response with two g2v2 events (test/pcapgen/dnp3.ts)' },
];
