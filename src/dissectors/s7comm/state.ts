// Per-flow state of the port-102 dissector: bounded reassembly buffers, one pair per direction, and
// which application the connection carries (S7 or MMS), so its COTP control PDUs are named for it.
import type { MmsState } from '../mms/state.js';

/** Bytes of unfinished COTP or userdata fragments kept per direction before giving up. */
export const MAX_REASSEMBLY = 64 * 1024;

/** TSDUs one S7comm-plus PDU may continue over before its missing trailer counts as an anomaly. */
export const MAX_PLUS_CONTINUATIONS = 64;

export interface S7State {
  /** COTP DT fragments waiting for the one with EOT, per direction */
  cotp: [Buffer[] | null, Buffer[] | null];
  cotpBytes: [number, number];
  /** S7comm userdata fragments ("more data follows"), per direction */
  ud: [Buffer[] | null, Buffer[] | null];
  udBytes: [number, number];
  /**
   * The last Job each direction sent (one slot, not a table: S7 clients rarely pipeline, and this
   * only names the answer): an Ack without parameters or a PI-Service Ack_Data names no service.
   */
  lastJob: [LastJob | null, LastJob | null];
  /**
   * After an S7comm-plus PDU without its trailer, the next TSDUs continue it: how many more are
   * accepted as continuations (0 = none open), per direction.
   */
  plusOpen: [number, number];
  /**
   * The application this COTP connection carries: set by every DT from its first user byte (the
   * evidence), and before any DT guessed from the CR/CC TSAPs (see cotpApp in index.ts).
   */
  app: 's7' | 'mms' | null;
  /** whether a DT has shown `app` (else it is the TSAP guess, or unknown) */
  appSeen: boolean;
  /** MMS per-connection state (outstanding invoke ids), made on the first MMS TSDU */
  mms: MmsState | null;
}

export interface LastJob {
  pduRef: number;
  functionCode: number;
  service?: string;
}

export function newState(): S7State {
  return { cotp: [null, null], cotpBytes: [0, 0], ud: [null, null], udBytes: [0, 0], lastJob: [null, null], plusOpen: [0, 0], app: null, appSeen: false, mms: null };
}
