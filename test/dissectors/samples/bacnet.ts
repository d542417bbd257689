// Whole BACnet/IP datagrams (BVLC + NPDU + APDU), built with the encoders of test/pcapgen/bacnet.ts
// from ASHRAE 135 Annex J (BVLC), clause 6 (NPDU) and clause 20 (APDU, tags). Documentation addresses only.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '810b000e010010080a03e81a07cf', note: 'Original-Broadcast Who-Is for devices 1000-1999' },
  { dir: 1, hex: '810b001401001000c4020004b12205c491002118', note: 'I-Am device 1201, max APDU 1476, segmented-both, vendor 24' },
  { dir: 1, hex: '810b001801080005010c1000c4020013942205c491002108', note: 'routed I-Am: SNET 5, SADR 0x0c' },
  { dir: 0, hex: '810a001101040005010c0c020004b1194d', note: 'ReadProperty device,1201 object-name' },
  { dir: 1, hex: '810a0025010030010c0c020004b1194d3e7511004148552d3120436f6e74726f6c6c65723f', note: 'ReadProperty-ACK object-name "AHU-1 Controller"' },
  { dir: 0, hex: '810a001a010000050a0f0c0040000119553e44422a00003f4908', note: 'WriteProperty analog-output,1 present-value 42.5 priority 8' },
  { dir: 1, hex: '810a00090100200a0f', note: 'SimpleACK WriteProperty' },
  { dir: 0, hex: '810a0015010000050b1409011d0700736563726574', note: 'ReinitializeDevice warmstart with password' },
  { dir: 0, hex: '810a000e010000050c11093c1901', note: 'DeviceCommunicationControl disable for 60 minutes' },
  { dir: 1, hex: '810a000d0100500d149105911a', note: 'Error services/password-failure' },
  { dir: 1, hex: '810a00090100600e09', note: 'Reject unrecognized-service' },
  { dir: 1, hex: '810a00090100710f04', note: 'Abort segmentation-not-supported (server)' },
  { dir: 0, hex: '81050006012c', note: 'Register-Foreign-Device TTL 300 s' },
  { dir: 1, hex: '8104001ac6336407bac001001000c402001b5f2205c491002118', note: 'Forwarded-NPDU I-Am from 198.51.100.7:47808' },
  { dir: 0, hex: '810a0007018000', note: 'network layer Who-Is-Router-To-Network' },
];
