// Per-flow OPC UA state (Part 6 §6.7.2: the secure channel's policy, mode and id, sequence numbers,
// an unfinished multi-chunk message per direction) and the shape of the PDU the decoders build.

export interface OpcuaState {
  /** the channel's SecurityPolicyUri from the last OPN; null until one is seen (mid-stream capture) */
  policy: string | null;
  securityMode: number;
  /** secure channel id the server assigned (0 until the OPN response) */
  channelId: number;
  /** last sequence number per direction; -1 until the first */
  lastSeq: [number, number];
  /** per direction: the service of a message whose intermediate chunks are still coming (-1: none) */
  contService: [number, number];
}

export type P = Record<string, unknown> & { proto: string; kind: string };
