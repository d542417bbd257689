// The common frame of every S7comm PDU this dissector emits: the header fields it starts from and its
// `kind`, named from the function (or ROSCTR) name and the role, as in Wireshark's s7comm dissector
// documentation.
import type { AppPdu } from '../../decode/pdu.js';
import type { PduSink } from '../../decode/types.js';
import { rosctrNames } from './names.js';

/** "Read Var" -> "read_var", for `kind`. */
function snake(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export function base(rosctr: number, pduRef: number): AppPdu {
  return { proto: 's7comm', kind: '', rosctr, rosctrName: rosctrNames[rosctr]!, pduRef };
}

export function finish(pdu: AppPdu, name: string, out: PduSink): void {
  pdu.kind = `${snake(name)}_${pdu.role}`;
  out.pdu(pdu);
}
