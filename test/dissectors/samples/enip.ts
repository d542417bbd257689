// EtherNet/IP over TCP 44818: whole encapsulation messages, built by hand from THE CIP NETWORKS LIBRARY
// Vol. 2 §2-3 (24-byte header, little-endian) and §2-6 (Common Packet Format); session 0x1a2b3c4d,
// sender context 01..08. The Identity reply mirrors the 1756-L61 in openics-eip-software-download.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, note: 'RegisterSession request, protocol version 1', hex: '65 00 04 00 00 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 01 00 00 00' },
  { dir: 1, note: 'RegisterSession reply, session 0x1a2b3c4d', hex: '65 00 04 00 4d 3c 2b 1a 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 01 00 00 00' },
  { dir: 0, note: 'SendRRData: Get_Attribute_All, Identity instance 1', hex: '6f 00 16 00 4d 3c 2b 1a 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00 0a 00 02 00 00 00 00 00 b2 00 06 00 01 02 20 01 24 01' },
  { dir: 1, note: 'SendRRData: Get_Attribute_All reply, 1756-L61/B rev 16.20', hex: '6f 00 37 00 4d 3c 2b 1a 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 b2 00 27 00 81 00 00 00 01 00 0e 00 36 00 10 14 60 30 3f 82 51 00 14 31 37 35 36 2d 4c 36 31 2f 42 20 4c 4f 47 49 58 35 35 36 31' },
  { dir: 0, note: 'SendRRData: Set_Attribute_Single class 0xF5 instance 1 attribute 5', hex: '6f 00 1a 00 4d 3c 2b 1a 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00 0a 00 02 00 00 00 00 00 b2 00 0a 00 10 03 20 f5 24 01 30 05 01 00' },
  { dir: 1, note: 'SendRRData: Set_Attribute_Single reply, success', hex: '6f 00 14 00 4d 3c 2b 1a 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 b2 00 04 00 90 00 00 00' },
  { dir: 0, note: 'SendUnitData: connected Read_Tag "Speed", sequence 7', hex: '70 00 22 00 4d 3c 2b 1a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 a1 00 04 00 33 22 11 00 b1 00 0e 00 07 00 4c 04 91 05 53 70 65 65 64 00 01 00' },
  { dir: 1, note: 'SendUnitData: Read_Tag reply, DINT 42, sequence 7', hex: '70 00 20 00 4d 3c 2b 1a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 a1 00 04 00 77 66 55 44 b1 00 0c 00 07 00 cc 00 00 00 c4 00 2a 00 00 00' },
];
