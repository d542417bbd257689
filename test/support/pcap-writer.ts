// Capture writers: classic pcap (draft-ietf-opsawg-pcap §4-5) and pcapng (draft-ietf-opsawg-pcapng §3-4), optionally gzipped.
// The writers live in pcap-writer/; this barrel keeps the one import path tests and generators use.
export {
  LINKTYPE, toNs,
  type ByteOrder, type Packet, type TimeInput, type WrittenFile, type WrittenPacket,
} from './pcap-writer/common.js';
export { pcapFileHeader, pcapRecord, writePcap, type PcapOptions } from './pcap-writer/pcap.js';
export {
  BLOCK, PcapngWriter,
  type InterfaceOptions, type PacketOptions, type PcapngOption, type SectionOptions,
} from './pcap-writer/pcapng.js';
export { gzip } from './pcap-writer/gzip.js';
