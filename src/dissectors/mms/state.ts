// Per-connection MMS state: the confirmed requests still waiting for their answer, so a response or
// error (which carries only the invoke id, ISO 9506-2 §7.1.2) can be tied to the service and the
// object class that was asked for. Bounded: MMS peers negotiate at most a few outstanding requests
// (maxServOutstanding), so a full table means lost answers, and the oldest entry goes.

export const MAX_PENDING = 64;

export interface PendingRequest {
  service: number;
  /** getNameList: the basic object class asked for (9 = domain) */
  objectClass?: number;
  /** read: the item ids asked for (the first few), to name the values of the answer */
  items?: string[];
}

export interface MmsState {
  /** key `${direction of the request}:${invokeID}` */
  pending: Map<string, PendingRequest>;
}

export function newMmsState(): MmsState {
  return { pending: new Map() };
}

export function remember(st: MmsState, dir: number, invokeId: number, req: PendingRequest): void {
  const key = `${dir}:${invokeId}`;
  st.pending.delete(key);
  if (st.pending.size >= MAX_PENDING) st.pending.delete(st.pending.keys().next().value!);
  st.pending.set(key, req);
}

/** The request an answer sent in `dir` belongs to (sent the other way), removed from the table. */
export function answered(st: MmsState, dir: number, invokeId: number): PendingRequest | undefined {
  const key = `${1 - dir}:${invokeId}`;
  const req = st.pending.get(key);
  if (req) st.pending.delete(key);
  return req;
}

/** The request a cancel or error names, left in the table (a cancel's answer still follows). */
export function lookup(st: MmsState, dir: number, invokeId: number): PendingRequest | undefined {
  return st.pending.get(`${dir}:${invokeId}`);
}
