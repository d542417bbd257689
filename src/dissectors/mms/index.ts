// MMS (ISO 9506, the IEC 61850-8-1 client/server protocol) on TCP port 102. The port is shared with
// S7comm: both run over TPKT (RFC 1006) and COTP (ISO 8073 class 0), so ONE stream dissector, bound
// in s7comm/index.ts, frames TPKT, reassembles COTP and hands each TSDU over by its first byte: an
// ISO 8327-1 session SPDU (or a bare MMS PDU) goes to decodeMmsTsdu (session.ts), which unwraps
// session, presentation and ACSE and decodes the MMS PDU (pdu.ts, services.ts). The PDUs carry
// `proto: 'mms'`, and so do the COTP CR/CC/DR of a connection that carries MMS.
//
// This object, like `s7commplus`, has no bindings: it exists so MMS PDUs are counted under their
// own id in stats and its anomaly ids are declared. Given TPKT bytes directly (the conformance suite
// does), it decodes exactly like `s7comm`.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { StreamDissector } from '../../decode/types.js';
import { decodeTpkt, frameTpkt, type S7State } from '../s7comm/index.js';
import { newState } from '../s7comm/state.js';

export { decodeMmsTsdu, isMmsTsdu } from './session.js';

const MMS_ANOMALIES: readonly AnomalyId[] = [
  'mms.truncated', 'mms.bad_ber', 'mms.ber_too_deep', 'mms.too_many_elements', 'mms.unknown_pdu', 'mms.unknown_service',
  'mms.unknown_spdu', 'mms.bad_spdu', 'mms.bad_ppdu',
];

export const mms: StreamDissector<S7State> = {
  id: 'mms',
  kind: 'stream',
  bindings: [],
  anomalies: MMS_ANOMALIES,
  maxPdu: 65535,
  frame: (data) => frameTpkt(data),
  decode: decodeTpkt,
  newState,
};
