// Whole FINS/UDP datagrams for the conformance suite (dissector 'fins'). Real frames from public
// material where one exists (each note names it); the others are built by hand from the field tables
// of Omron W342 §5-3 (command and response formats), as the note says.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '80 00 02 00 00 00 00 63 00 ef 05 01 00', note: 'Controller Data Read (data 00), SA1 0x63, SID 0xef (nmap scripts/omron-info.nse, UDP probe)' },
  {
    dir: 1,
    hex: `c0 00 02 00 63 00 00 0a 00 ef 05 01 00 00 434a324d2d4350553332 ${'20'.repeat(10)} 30322e3031 ${'00'.repeat(15)} ${'00'.repeat(40)}
          0014 17 8000 08 01 0000 00 0000`,
    note: 'Controller Data Read response: model CJ2M-CPU32 (space-filled), version 02.01, 20K-word program area, 32768 DM words (hand-built; strings and area values from the example output in nmap omron-info.nse)',
  },
  { dir: 0, hex: '80 00 02 00 41 00 00 0b 00 00 01 01 82 00 64 00 00 14', note: 'Memory Area Read DM100, 20 words, DA1 0x41, SA1 0x0b, SID 0 (blog.csdn.net/zzhilling/article/details/86061296)' },
  {
    dir: 1,
    hex: `c0 00 02 00 0b 00 00 41 00 00 01 01 00 00 1388 1770 1b58 ${'00'.repeat(34)}`,
    note: 'Memory Area Read response: D100 0x1388, D101 0x1770, D102 0x1b58, then 17 zero words (same page as the request)',
  },
  { dir: 0, hex: '80 00 02 00 14 00 00 0a 00 09 01 02 82 00c8 00 0002 1234 5678', note: 'Memory Area Write DM200, 2 words (hand-built, W342 MEMORY AREA WRITE)' },
  { dir: 1, hex: 'c0 00 02 00 0a 00 00 14 00 09 01 02 21 01', note: 'Memory Area Write response, end code 2101 read-only (hand-built)' },
  {
    dir: 1,
    hex: `c0 00 02 00 0a 00 00 14 00 03 06 01 00 40 01 04 0000 0800 0000 0000 ${'00'.repeat(16)}`,
    note: 'Controller Status Read response: run, RUN mode, non-fatal error flag in SRES, non-fatal error data 0x0800 (hand-built, W342 CONTROLLER STATUS READ)',
  },
  { dir: 0, hex: '80 00 02 00 14 00 00 0a 00 04 04 01 ffff 04', note: 'Run, program FFFF, RUN mode (hand-built, W342 RUN)' },
  { dir: 0, hex: '80 00 02 00 14 00 00 0a 00 05 04 02 ffff', note: 'Stop, program FFFF (hand-built, W342 STOP)' },
  { dir: 0, hex: '80 00 02 00 14 00 00 0a 00 06 23 01 0001 0001 30 0064 03', note: 'Forced Set/Reset: force set CIO 100.03 (hand-built, W342 FORCED SET/RESET)' },
  { dir: 1, hex: 'c0 00 02 00 0a 00 00 14 00 07 07 01 00 00 24 01 03 10 20 30 03', note: 'Clock Read response: 24-01-03 10:20:30, day 3 (hand-built, W342 CLOCK READ)' },
];
