// Whole DNP3-over-UDP datagrams for the conformance suite (dissector 'dnp3udp', PDUs proto 'dnp3').
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '056414c40100640067d6c6c7013c02063c03063c04063c010673c0', note: 'Read class 1,2,3,0 (zeek-dnp3-udp-read.pcap frame 5)' },
  { dir: 1, hex: '0564058b01006400a097', note: 'Link Status (zeek-dnp3-udp-read.pcap frame 2)' },
  {
    dir: 1,
    note: 'Response in two link frames in one datagram: g1v2 0-7, g30v1 0-59, IIN device restart (test/pcapgen/dnp3.ts)',
    hex: '0564ff4401000a005aeb40c08180000102000007010101010101664f01011e0100003b01010101010101010142bc'
      + '01010101010101010101010101010101bbc3'.repeat(13) + '010101010101010101018d7b'
      + '05644f4401000a009a7381010101010101010101010101010101b7f4' + '01010101010101010101010101010101bbc3'.repeat(3) + '010101010101010101018d7b',
  },
];
