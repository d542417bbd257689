// Whole IEC 60870-5-104 APDUs for the conformance suite. Origins: the public captures
// iec104-test-dissect (Wireshark sample, common address 37133) and iec104-090813-diverse (ASDU 3),
// frame numbers as tshark numbers them.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '68 04 07 00 00 00', note: 'U STARTDT act (test-dissect frame 4)' },
  { dir: 1, hex: '68 04 0b 00 00 00', note: 'U STARTDT con (test-dissect frame 5)' },
  { dir: 0, hex: '68 04 43 00 00 00', note: 'U TESTFR act (test-dissect frame 13)' },
  { dir: 0, hex: '68 04 01 00 08 00', note: 'S N(R)=4 (test-dissect frame 112)' },
  { dir: 0, hex: '68 0e 00 00 02 00 64 01 06 00 0d 91 00 00 00 14', note: 'I C_IC_NA_1 act, general interrogation (test-dissect frame 109)' },
  { dir: 1, hex: '68 16 04 00 02 00 01 89 14 00 0d 91 1a 27 00 d0 80 80 80 c0 80 80 80 80', note: 'I M_SP_NA_1 SQ=1 9 objects, inrogen (test-dissect frame 110)' },
  { dir: 0, hex: '68 0e 04 00 0e 00 2d 01 06 01 0d 91 1a 27 00 81', note: 'I C_SC_NA_1 act, originator 1 (test-dissect frame 124)' },
  { dir: 1, hex: '68 0e 0a 00 04 00 2e 01 47 01 0d 91 98 3a 00 82', note: 'I C_DC_NA_1 actcon negative (test-dissect frame 118)' },
  { dir: 0, hex: '68 14 0c 00 16 00 67 01 06 04 0d 91 00 00 00 c8 32 39 08 1d 08 08', note: 'I C_CS_NA_1 clock sync act (test-dissect frame 139)' },
  { dir: 1, hex: '68 1a 9a 00 28 00 0d 02 01 00 03 00 14 05 00 00 00 f0 41 00 15 05 00 00 00 31 44 00', note: 'I M_ME_NC_1 SQ=0 2 objects, periodic (diverse frame 1)' },
];
