// The one table of anomaly ids: every malformation or notable condition the pipeline counts.
// Ids are `<protocol id>.<snake_case>`, public and stable: never renamed or reused (retire by comment).

export const ANOMALIES = {
  'capture.truncated': 'the capture file ends in the middle of a packet or block',
  'capture.corrupt': 'the capture file has a corrupt record or block; reading stopped there',
  'decode.unknown_linktype': 'packets of a link type no dissector handles',
  'decode.exception': 'a dissector threw; it is switched off for that flow and ingest goes on',
  'eth.truncated': 'frame shorter than an Ethernet header (14 bytes)',
  'vlan.truncated': '802.1Q/802.1ad tag cut short',
  'vlan.too_many_tags': 'more than 4 stacked VLAN tags',
  'sll.truncated': 'Linux cooked (SLL/SLL2) header cut short',
  'null.truncated': 'BSD loopback header cut short',
  'null.unknown_family': 'BSD loopback address family that is neither IPv4 nor IPv6',
  'raw.unknown_version': 'raw IP packet whose version nibble is neither 4 nor 6',
  'arp.truncated': 'ARP packet shorter than its header and addresses',
  'ipv4.truncated': 'IPv4 packet shorter than its header',
  'ipv4.bad_version': 'IPv4 header with a version other than 4',
  'ipv4.bad_ihl': 'IPv4 header length below 20 bytes or beyond the packet',
  'ipv4.total_length_exceeds_frame': 'IPv4 total length larger than the whole captured frame (not a snap-length cut)',
  'ipv4.total_length_too_small': 'IPv4 total length smaller than its header',
  'ipv4.frag_overlap': 'IPv4 fragments overlap (first copy kept)',
  'ipv4.frag_timeout': 'IPv4 fragments never completed within the reassembly timeout',
  'ipv4.frag_too_many': 'too many IPv4 datagrams in reassembly at once; the oldest was dropped',
  'ipv4.frag_oversize': 'IPv4 fragments add up to more than 65535 bytes',
  'ipv6.truncated': 'IPv6 packet shorter than its 40-byte header',
  'ipv6.bad_version': 'IPv6 header with a version other than 6',
  'ipv6.payload_length_exceeds_frame': 'IPv6 payload length larger than the captured frame',
  'ipv6.ext_header_truncated': 'IPv6 extension header cut short',
  'ipv6.too_many_ext_headers': 'more than 8 IPv6 extension headers',
  'ipv6.frag_overlap': 'IPv6 fragments overlap (first copy kept)',
  'ipv6.frag_timeout': 'IPv6 fragments never completed within the reassembly timeout',
  'ipv6.frag_too_many': 'too many IPv6 datagrams in reassembly at once; the oldest was dropped',
  'ipv6.frag_oversize': 'IPv6 fragments add up to more than 65535 bytes',
  'tcp.truncated': 'TCP segment shorter than its header',
  'tcp.bad_data_offset': 'TCP data offset below 5 words or beyond the segment',
  'tcp.retransmission': 'TCP data seen again (retransmitted or duplicated in the capture)',
  'tcp.out_of_order': 'TCP data arrived ahead of missing bytes and was held for reordering',
  'tcp.gap': 'TCP bytes missing from the capture; the stream continues after the hole',
  'tcp.reassembly_overflow': 'out-of-order TCP data beyond the per-direction buffer bound',
  'udp.truncated': 'UDP datagram shorter than its 8-byte header',
  'udp.bad_length': 'UDP length field disagrees with the IP payload length',
  'icmp.truncated': 'ICMP message shorter than 4 bytes',
  'icmpv6.truncated': 'ICMPv6 message shorter than 4 bytes',
  // pndcp
  'pndcp.truncated': 'PROFINET DCP frame cut short inside its header or a block',
  'pndcp.length_exceeds_frame': 'PROFINET DCP data length larger than the frame; the blocks present were decoded',
  'pndcp.block_overrun': 'PROFINET DCP block length runs past the DCP data; the remaining blocks were skipped',
  'pndcp.unknown_service': 'PROFINET DCP service id that is not Get, Set, Identify or Hello',
  'pndcp.frame_id_mismatch': 'PROFINET DCP service sent on a frame id reserved for another service',
  'pndcp.too_many_blocks': 'PROFINET DCP frame with more than 64 blocks; the rest were skipped',
  // lldp
  'lldp.truncated': 'LLDPDU cut short inside a TLV',
  'lldp.tlv_overrun': 'LLDP TLV length runs past the end of the frame',
  'lldp.missing_mandatory': 'LLDPDU does not start with Chassis ID, Port ID and TTL in that order',
  'lldp.missing_end': 'LLDPDU without an End of LLDPDU TLV',
  'lldp.duplicate_tlv': 'LLDP TLV that may occur once appears again',
  'lldp.bad_tlv_length': 'LLDP TLV whose length is outside the range its type allows',
  'lldp.too_many_tlvs': 'LLDPDU with more than 128 TLVs; the rest were skipped',
  // goose
  'goose.truncated': 'GOOSE frame cut short inside its header or goosePdu',
  'goose.bad_length': 'GOOSE length field below 8 or beyond the frame',
  'goose.bad_tag': 'GOOSE APDU that is not a goosePdu ([APPLICATION 1])',
  'goose.ber_invalid': 'GOOSE BER element with an indefinite, oversized or overrunning length',
  'goose.missing_field': 'goosePdu without one of its mandatory fields',
  'goose.entry_count_mismatch': 'GOOSE numDatSetEntries differs from the number of allData elements',
  // <<application-anomalies>> (each protocol adds its rows above this line, grouped under a comment)
  'stream.desync': 'a stream protocol lost its framing (invalid or oversized length); bytes skipped until it resynchronises',
  'flow.table_full': 'the flow table reached its bound; the packet was decoded but not tracked',
} as const;

export type AnomalyId = keyof typeof ANOMALIES;

export function isAnomalyId(id: string): id is AnomalyId {
  return Object.hasOwn(ANOMALIES, id);
}
