// EtherNet/IP encapsulation builders (THE CIP NETWORKS LIBRARY Vol. 2), shared by the enip capture
// generator and the detection tests. Importing this writes nothing (test/pcapgen/enip.ts writes its
// captures when it runs).

/** A 16-bit little-endian field. */
export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

/** Encapsulation header (Vol. 2 §2-3.1) + data; sender context is 8 bytes, options 0. */
export function encap(command: number, data: Buffer, session = 0, context = 0n): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(command, 0);
  h.writeUInt16LE(data.length, 2);
  h.writeUInt32LE(session, 4);
  h.writeBigUInt64LE(context, 12);
  return Buffer.concat([h, data]);
}

/** Common Packet Format list (Vol. 2 §2-6). */
export function cpf(...items: Array<[number, Buffer]>): Buffer {
  const parts = [u16(items.length)];
  for (const [type, data] of items) parts.push(u16(type), u16(data.length), data);
  return Buffer.concat(parts);
}
