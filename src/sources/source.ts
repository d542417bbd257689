// Packet sources: capture files (pcap, pcapng, gzip'd), live interfaces, and the batches they yield.

/**
 * A batch of packets that share one buffer, as struct-of-arrays so the hot path allocates nothing per
 * packet. Packet i is `buf[off[i] .. off[i] + len[i])`. The buffer belongs to the batch: a consumer may
 * keep views into it for as long as it keeps the batch, and must copy anything it keeps longer.
 */
export interface PacketBatch {
  buf: Buffer;
  count: number;
  off: Int32Array;
  /** captured length */
  len: Int32Array;
  /** length on the wire */
  origLen: Int32Array;
  /** capture time, integer microseconds since the Unix epoch */
  ts: Float64Array;
  /** DLT/LINKTYPE value per packet (pcapng interfaces can differ) */
  linkType: Int32Array;
}

/** Where and why a capture could not be read further. Every packet before `offset` was delivered. */
export interface CaptureError {
  file: string;
  /** byte offset in the (decompressed) capture where the damage starts */
  offset: number;
  reason: string;
  /** 'unreadable': nothing could be read (not a capture, missing file); 'truncated'/'corrupt': damage after a good start */
  kind: 'unreadable' | 'truncated' | 'corrupt';
}

export interface CaptureInfo {
  format: 'pcap' | 'pcapng' | 'live';
  /** link types seen so far (one per pcapng interface) */
  linkTypes: number[];
  gzip: boolean;
}

/** A source of packet batches; `error` is set when it stopped early (after yielding what it could). */
export interface PacketSource extends AsyncIterable<PacketBatch> {
  readonly name: string;
  readonly info: CaptureInfo;
  readonly error: CaptureError | null;
  /** For live sources: packets the kernel or capture library dropped (null when unknown). */
  readonly dropped: number | null;
  close(): Promise<void>;
}

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
