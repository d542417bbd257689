// BACnet/IP (ASHRAE 135): BVLC (Annex J), NPDU (clause 6), APDU (clause 20.1) and the services an
// inventory and detection rules care about (clauses 13-17, 21): Who-Is/I-Am, Who-Has/I-Have,
// Read/WriteProperty(Multiple), ReinitializeDevice, DeviceCommunicationControl, SubscribeCOV, time
// synchronisation, file access, errors, rejects and aborts. Other services are reported by name with
// their body left undecoded. One datagram carries one BVLL message, so a bad body costs one PDU.
//
// The layers are decoded in ./bacnet/: bvlc.ts, npdu.ts (route.ts), apdu.ts, services.ts (fields.ts,
// identity.ts), over the tagged encoding of tags.ts and the code tables of codes.ts.
import { Reader } from '../decode/reader.js';
import type { DatagramDissector, ProbeResult } from '../decode/types.js';
import { decodeBvlc } from './bacnet/bvlc.js';
import { BVLC_FUNCTIONS } from './bacnet/codes.js';
import { BadTag } from './bacnet/tags.js';

export type { BacnetIdentity } from './bacnet/identity.js';

export const BACNET_PORT = 47808; // 0xBAC0, Annex J.1

export const bacnet: DatagramDissector = {
  id: 'bacnet',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: BACNET_PORT }],
  anomalies: [
    'bacnet.truncated', 'bacnet.bad_bvlc_type', 'bacnet.bad_bvlc_length', 'bacnet.unknown_bvlc_function',
    'bacnet.bad_npdu_version', 'bacnet.bad_npdu', 'bacnet.bad_apdu_type', 'bacnet.bad_tag',
  ],

  /** Annex J.2: type 0x81, a defined function, and a length equal to the datagram's. */
  probe(data): ProbeResult {
    if (data.length < 4) return 'no';
    if (data[0] !== 0x81 || data[1]! >= BVLC_FUNCTIONS.length) return 'no';
    return ((data[2]! << 8) | data[3]!) === data.length ? 'yes' : 'no';
  },

  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    try {
      decodeBvlc(r, out);
    } catch (err) {
      if (!(err instanceof BadTag)) throw err;
      out.anomaly('bacnet.bad_tag');
    }
  },
};
