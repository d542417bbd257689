// PROFINET DCP payloads after the EtherType 0x8892 (frame id first), from ITI/ICS-Security-Tools
// pcaps/profinet/PROFINET-RT-DCP/ChangeIPUsingDCP.pcap (../shared/pcaps/profinet/pn-dcp-set-ip.pcap).
export const samples = [
  { dir: 0 as const, note: 'frame 1: Identify All request, xid 0x01000001, padded to the 60-byte minimum frame',
    hex: 'fefe 0500 01000001 0001 0004 ffff0000 0000000000000000000000000000000000000000000000000000' },
  { dir: 0 as const, note: 'frame 2: Identify response from SCALANCE X208 "X208-BORD", vendor 0x002a device 0x0a01, 192.168.0.6',
    hex: 'feff 0501 01000001 0000 005e 0205001c0000010101020201020202030204020503 3d05010502050305 04ffff 020100050000494e4300 0202000b0000583230382d424f524400 020300060000002a0a01 0204000400000100 0102000e0001c0a80006ffffff00c0a80001' },
  { dir: 0 as const, note: 'frame 3: Set request assigning 192.168.0.10/24 gw 192.168.0.1, qualifier 1 (save permanent)',
    hex: 'fefd 0400 01000001 0000 0012 0102000e0001c0a8000affffff00c0a80001 000000000000000000000000' },
  { dir: 0 as const, note: 'frame 4: Set response, Control/Response for IP/IP parameter, error 0',
    hex: 'fefd 0401 01000001 0000 0008 0504000301020000 ' + '00'.repeat(26) },
];
