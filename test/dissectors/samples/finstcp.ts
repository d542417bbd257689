// Whole FINS/TCP messages for the conformance suite (dissector 'finstcp', PDUs proto 'fins'): the
// 16-byte header of the CJ1W-ETN21 manual §7-4-2 and, for frame send, a FINS frame. Real messages
// from public material where one exists (each note names it); the others are built by hand.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '46494e53 0000000c 00000000 00000000 00000000', note: 'Node address data send client to server, client node 0 = allocate (nmap scripts/omron-info.nse, TCP)' },
  { dir: 1, hex: '46494e53 00000010 00000001 00000000 0000000b 00000014', note: 'Node address data send server to client: client 11, server 20 (hand-built, §7-4-2)' },
  {
    dir: 0,
    hex: '46494e53 00000015 00000002 00000000 80 00 02 00 14 00 00 00 ef 05 05 01 00',
    note: 'Frame send: Controller Data Read to node 0x14, SID 5 (nmap scripts/omron-info.nse, TCP, with the server node filled in)',
  },
  {
    dir: 1,
    hex: `46494e53 00000072 00000002 00000000 c0 00 02 00 00 ef 00 14 00 05 05 01 00 00 434a324d2d4350553332 ${'20'.repeat(10)}
          30322e3031 ${'00'.repeat(15)} ${'00'.repeat(40)} 0014 17 8000 08 01 0000 00 0000`,
    note: 'Frame send: Controller Data Read response, CJ2M-CPU32 version 02.01 (hand-built from the example output in nmap omron-info.nse)',
  },
  { dir: 0, hex: '46494e53 0000001a 00000002 00000000 80 00 02 00 14 00 00 0b 00 07 01 01 82 0064 00 0004', note: 'Frame send: Memory Area Read DM100, 4 words (hand-built, W342)' },
  { dir: 0, hex: '46494e53 00000017 00000002 00000000 80 00 02 00 14 00 00 0b 00 08 04 01 ffff 02', note: 'Frame send: Run, MONITOR mode (hand-built, W342)' },
  { dir: 1, hex: '46494e53 00000008 00000003 00000002', note: 'Frame send error notification: data length too long (hand-built, §7-4-2)' },
  { dir: 1, hex: '46494e53 00000008 00000006 00000000', note: 'Connection confirmation (hand-built, §7-4-2)' },
];
