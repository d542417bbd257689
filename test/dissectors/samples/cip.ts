// Bare CIP Message Router messages (THE CIP NETWORKS LIBRARY Vol. 1 §2-4; paths per Appendix C-1),
// as carried in an Unconnected Data item. Built by hand.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, note: 'Get_Attribute_All, class 1 (Identity) instance 1', hex: '01 02 20 01 24 01' },
  { dir: 1, note: 'Get_Attribute_All reply, success, identity attributes', hex: '81 00 00 00 01 00 0e 00 36 00 10 14 60 30 3f 82 51 00 14 31 37 35 36 2d 4c 36 31 2f 42 20 4c 4f 47 49 58 35 35 36 31' },
  { dir: 0, note: 'Set_Attribute_Single class 0xF5 instance 1 attribute 5, value 0x0001', hex: '10 03 20 f5 24 01 30 05 01 00' },
  { dir: 0, note: 'Multiple_Service_Packet: Get_Attribute_Single Identity attr 7 + Get_Attribute_All Identity', hex: '0a 02 20 02 24 01 02 00 06 00 0e 00 0e 03 20 01 24 01 30 07 01 02 20 01 24 01' },
  { dir: 0, note: 'Unconnected_Send to backplane slot 0 carrying Get_Attribute_All Identity', hex: '52 02 20 06 24 01 0a f0 06 00 01 02 20 01 24 01 01 00 01 00' },
  { dir: 1, note: 'error reply: Service not supported (0x08)', hex: 'cb 00 08 00' },
];
