// Whole TLS records for the conformance suite. Origins: the public capture
// zeek-modbus-and-non-modbus-p502 (frame 49, a ClientHello without SNI, as tshark numbers it) and
// hellos built by test/pcapgen/it.ts from RFC 8446 §4.1.2-§4.1.3, RFC 6066 §3 and RFC 7301.
import { clientHello, serverHello } from '../../pcapgen/it.js';

export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: '1603010085010000810303736ff818542129f78f492d9b1557dafcc7926f075fa314dc76a47a73d1b6f109000020c02fc030c02bc02ccca8cca9c013c009c014c00a009c009d002f0035c012000a01000038000500050100000000000a000a0008001d001700180019000b00020100000d000e000c040104030501050302010203ff0100010000120000', note: 'ClientHello TLS 1.2, 16 suites, no SNI (zeek-modbus-and-non-modbus-p502 frame 49)' },
  { dir: 0, hex: clientHello('historian.plant.local', ['h2', 'http/1.1']).toString('hex'), note: 'hand-built ClientHello with SNI historian.plant.local, ALPN h2/http1.1, supported_versions 1.3/1.2' },
  { dir: 1, hex: serverHello(0x1301, true).toString('hex'), note: 'hand-built ServerHello choosing TLS_AES_128_GCM_SHA256 and TLS 1.3' },
];
