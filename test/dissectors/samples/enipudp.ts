// EtherNet/IP over UDP: ListIdentity on 44818 (THE CIP NETWORKS LIBRARY Vol. 2 §2-4.2) and class 1
// implicit I/O on 2222 (Vol. 2 §3-2.1: Sequenced Address item + Connected Data item). Built by hand.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, note: 'ListIdentity request (broadcast), no data', hex: '63 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00' },
  { dir: 1, note: 'ListIdentity reply: 1756-L61/B at 192.168.10.125, rev 16.20, state 3', hex: '63 00 3c 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 0c 00 36 00 01 00 00 02 af 12 c0 a8 0a 7d 00 00 00 00 00 00 00 00 01 00 0e 00 36 00 10 14 60 30 3f 82 51 00 14 31 37 35 36 2d 4c 36 31 2f 42 20 4c 4f 47 49 58 35 35 36 31 03' },
  { dir: 0, note: 'class 1 I/O on 2222: connection 0x2233, sequence 42, 8 data bytes', hex: '02 00 02 80 08 00 33 22 00 00 2a 00 00 00 b1 00 08 00 2a 00 01 00 00 00 ff 00' },
];
