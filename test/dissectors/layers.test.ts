// Frame tests for the link, network and transport layers. Frames are built by hand from the RFC
// header layouts (field by field in the comments); checksums are not verified by the decoder.
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/pipeline.js';
import { decodeFrame, decodeSession, hex } from '../support/decode.js';

const ETH = `00 1b 1b 00 00 01  00 80 f4 00 00 02`; // dst Siemens, src Telemecanique
// IPv4 header, 20 bytes: v4 ihl5, tos 0, total length LEN, id 0x1234, DF, ttl 64, proto P, csum 0, 10.0.0.10 -> 10.0.0.21
const ip4 = (len: number, proto: number, flags = '40 00') =>
  `45 00 ${len.toString(16).padStart(4, '0')} 12 34 ${flags} 40 ${proto.toString(16).padStart(2, '0')} 00 00  0a 00 00 0a  0a 00 00 15`;
// TCP 49152 -> 502, seq 1, ack 0x10, data offset 5, flags PSH|ACK, window 0xffff
const TCP_HDR = `c0 00 01 f6  00 00 00 01  00 00 00 10  50 18 ff ff 00 00 00 00`;
const MBAP = `00 01 00 00 00 06 01 03 00 00 00 0a`; // Modbus read holding registers, 12 bytes

describe('Ethernet, VLAN, ARP', () => {
  it('Ethernet II + IPv4 + TCP with payload', () => {
    const r = decodeFrame(hex(`${ETH} 08 00 ${ip4(20 + 20 + 12, 6)} ${TCP_HDR} ${MBAP}`));
    expect(r.layers).toEqual(['eth', 'ipv4', 'tcp']);
    expect(r.anomalies).toEqual([]);
    expect(r.dstMac).toBe('00:1b:1b:00:00:01');
    expect(r.srcMac).toBe('00:80:f4:00:00:02');
    expect(r.pkt).toMatchObject({ ethertype: 0x0800, ipVersion: 4, ipProto: 6, ttl: 64, srcPort: 49152, dstPort: 502, seq: 1, ack: 16, tcpFlags: 0x18 });
    expect(r.src).toBe('10.0.0.10');
    expect(r.dst).toBe('10.0.0.21');
    expect(r.payload).toBe(hex(MBAP).toString('hex'));
  });

  it('trims Ethernet padding by the IPv4 total length', () => {
    // UDP 1234 -> 53 with 2 payload bytes, padded to the 60-byte minimum frame
    const frame = hex(`${ETH} 08 00 ${ip4(30, 17)} 04 d2 00 35 00 0a 00 00 ab cd`);
    const padded = Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
    const r = decodeFrame(padded);
    expect(r.layers).toEqual(['eth', 'ipv4', 'udp']);
    expect(r.payload).toBe('abcd');
  });

  it('802.1Q and QinQ tags: ids outermost first, inner EtherType decoded', () => {
    const single = decodeFrame(hex(`${ETH} 81 00 20 64 08 06 00 01 08 00 06 04 00 01 ${'00'.repeat(20)}`));
    expect(single.vlans).toEqual([100]);
    expect(single.layers).toEqual(['eth', 'vlan', 'arp']);
    const qinq = decodeFrame(hex(`${ETH} 88 a8 00 0a 81 00 00 14 08 00 ${ip4(28, 1)} 08 00 00 00 00 01 00 01`));
    expect(qinq.vlans).toEqual([10, 20]);
    expect(qinq.layers).toEqual(['eth', 'vlan', 'ipv4', 'icmp']);
    expect(qinq.pkt.icmpType).toBe(8);
  });

  it('ARP request: operation and header offset for the inventory', () => {
    const r = decodeFrame(hex(`ff ff ff ff ff ff 00 80 f4 00 00 02 08 06  00 01 08 00 06 04 00 01  00 80 f4 00 00 02 0a 00 00 0a  00 00 00 00 00 00 0a 00 00 15`));
    expect(r.layers).toEqual(['eth', 'arp']);
    expect(r.pkt.arpOp).toBe(1);
    expect(r.pkt.arpOff).toBe(14);
  });

  it('raises named anomalies on short frames and headers', () => {
    expect(decodeFrame(hex('00 11 22 33 44 55 66 77 88 99')).anomalies).toEqual(['eth.truncated']);
    expect(decodeFrame(hex(`${ETH} 08 06 00 01 08 00`)).anomalies).toEqual(['arp.truncated']);
    expect(decodeFrame(hex(`${ETH} 81 00 00`)).anomalies).toEqual(['vlan.truncated']);
  });
});

describe('IPv4', () => {
  it('flags a header length below 20 and a total length beyond the frame', () => {
    expect(decodeFrame(hex(`${ETH} 08 00 44 00 00 14 00 00 00 00 40 06 00 00 0a 00 00 0a 0a 00 00 15`)).anomalies).toEqual(['ipv4.bad_ihl']);
    const long = decodeFrame(hex(`${ETH} 08 00 ${ip4(200, 17)} 04 d2 00 35 00 0c 00 00 ab cd ef 01`));
    // rejected: bytes beyond the frame are not there to interpret, so no transport layer is read
    expect(long.anomalies).toEqual(['ipv4.total_length_exceeds_frame']);
    expect(long.layers).toEqual(['eth']);
    expect(long.pkt.srcPort).toBe(0);
  });

  it('does not call a snap-length cut an anomaly', () => {
    const frame = hex(`${ETH} 08 00 ${ip4(1500, 6)} ${TCP_HDR}`);
    expect(decodeFrame(frame, 1, 1514).anomalies).toEqual([]);
  });

  it('reassembles fragments, in any order, before decoding the transport layer', () => {
    // UDP 1234 -> 53: 8-byte header + 16 bytes = 24 bytes, sent as 16 (MF, offset 0) + 8 (offset 2 units)
    const frag = (id: string, flagsOffset: string, body: string) => {
      const b = hex(body);
      return hex(`${ETH} 08 00 45 00 ${(20 + b.length).toString(16).padStart(4, '0')} ${id} ${flagsOffset} 40 11 00 00 0a 00 00 0a 0a 00 00 15 ${body}`);
    };
    const first = `04 d2 00 35 00 18 00 00 ${'41'.repeat(8)}`;
    const second = '42'.repeat(8);
    for (const order of [[0, 1], [1, 0]]) {
      const decode = decodeSession();
      const frames = [frag('00 07', '20 00', first), frag('00 07', '00 02', second)];
      const a = decode(frames[order[0]!]!);
      expect(a.layers).toEqual(['eth', 'ipv4']); // incomplete: no transport layer yet
      const b = decode(frames[order[1]!]!);
      expect(b.layers).toEqual(['eth', 'ipv4', 'udp']);
      expect(b.pkt.reassembled).toBe(true);
      expect(b.pkt.dstPort).toBe(53);
      expect(b.payload).toBe('41'.repeat(8) + '42'.repeat(8));
      expect(b.anomalies).toEqual([]);
    }
  });

  it('keeps the first copy of overlapping fragment bytes and says so', () => {
    const decode = decodeSession();
    const f = (flagsOffset: string, body: string) =>
      hex(`${ETH} 08 00 45 00 ${(20 + hex(body).length).toString(16).padStart(4, '0')} 00 09 ${flagsOffset} 40 11 00 00 0a 00 00 0a 0a 00 00 15 ${body}`);
    decode(f('20 00', `04 d2 00 35 00 18 00 00 ${'41'.repeat(8)}`)); // bytes 0..15
    const dup = decode(f('20 01', '58'.repeat(8))); // bytes 8..15 again, different content
    expect(dup.anomalies).toEqual(['ipv4.frag_overlap']);
    const last = decode(f('00 02', '42'.repeat(8)));
    expect(last.layers).toContain('udp');
    expect(last.payload).toBe('41'.repeat(8) + '42'.repeat(8));
  });

  it('times out a train that never completes', () => {
    const decode = decodeSession();
    const t0 = 1_700_000_000_000_000;
    decode(hex(`${ETH} 08 00 45 00 00 1c 00 0b 20 00 40 11 00 00 0a 00 00 0a 0a 00 00 15 ${'41'.repeat(8)}`), 1, undefined, t0);
    const later = decode(hex(`${ETH} 08 00 45 00 00 1c 00 0c 20 00 40 11 00 00 0a 00 00 0a 0a 00 00 15 ${'41'.repeat(8)}`), 1, undefined, t0 + 31e6);
    expect(later.anomalies).toContain('ipv4.frag_timeout');
  });
});

describe('IPv6', () => {
  // IPv6: version 6, payload length L, next header N, hop limit 64, fd00::1 -> fd00::2
  const ip6 = (len: number, next: number) =>
    `60 00 00 00 ${len.toString(16).padStart(4, '0')} ${next.toString(16).padStart(2, '0')} 40  fd 00 ${'00'.repeat(13)} 01  fd 00 ${'00'.repeat(13)} 02`;

  it('walks hop-by-hop, destination options and routing headers to TCP', () => {
    const hopByHop = '3c 00 01 04 00 00 00 00'; // next: dest options (60), len 0 (8 bytes), PadN
    const destOpts = '2b 00 01 04 00 00 00 00'; // next: routing (43)
    const routing = '06 00 00 00 00 00 00 00'; // next: TCP (6), segments left 0
    const r = decodeFrame(hex(`${ETH} 86 dd ${ip6(24 + 20 + 12, 0)} ${hopByHop} ${destOpts} ${routing} ${TCP_HDR} ${MBAP}`));
    expect(r.layers).toEqual(['eth', 'ipv6', 'tcp']);
    expect(r.anomalies).toEqual([]);
    expect(r.src).toBe('fd00::1');
    expect(r.dst).toBe('fd00::2');
    expect(r.pkt.dstPort).toBe(502);
    expect(r.payload).toBe(hex(MBAP).toString('hex'));
  });

  it('reassembles a fragmented IPv6 datagram', () => {
    const decode = decodeSession();
    const udp = `04 d2 00 35 00 18 00 00 ${'41'.repeat(8)}`;
    const a = decode(hex(`${ETH} 86 dd ${ip6(8 + 16, 44)} 11 00 00 01 00 00 00 2a ${udp}`));
    expect(a.layers).toEqual(['eth', 'ipv6']);
    const b = decode(hex(`${ETH} 86 dd ${ip6(8 + 8, 44)} 11 00 00 10 00 00 00 2a ${'42'.repeat(8)}`));
    expect(b.layers).toEqual(['eth', 'ipv6', 'udp']);
    expect(b.payload).toBe('41'.repeat(8) + '42'.repeat(8));
  });

  it('flags a cut extension header', () => {
    expect(decodeFrame(hex(`${ETH} 86 dd ${ip6(8, 0)} 3c 05 01 04 00 00 00 00`)).anomalies).toEqual(['ipv6.ext_header_truncated']);
  });
});

describe('TCP, UDP, ICMP', () => {
  it('TCP data offset below 5 words is malformed', () => {
    const r = decodeFrame(hex(`${ETH} 08 00 ${ip4(40, 6)} c0 00 01 f6 00 00 00 01 00 00 00 10 40 18 ff ff 00 00 00 00`));
    expect(r.anomalies).toEqual(['tcp.bad_data_offset']);
  });

  it('UDP length shorter than the header is malformed', () => {
    expect(decodeFrame(hex(`${ETH} 08 00 ${ip4(28, 17)} 04 d2 00 35 00 04 00 00`)).anomalies).toEqual(['udp.bad_length']);
  });

  it('ICMP type and code', () => {
    const r = decodeFrame(hex(`${ETH} 08 00 ${ip4(28, 1)} 03 03 00 00 00 00 00 00`));
    expect(r.layers).toEqual(['eth', 'ipv4', 'icmp']);
    expect(r.pkt).toMatchObject({ icmpType: 3, icmpCode: 3 });
  });
});

describe('links without Ethernet', () => {
  const IP_UDP = `${ip4(30, 17)} 04 d2 00 35 00 0a 00 00 ab cd`;

  it('Linux cooked SLL and SLL2 give the sender MAC and the EtherType', () => {
    // SLL: packet type 0 (to us), ARPHRD_ETHER, addr len 6, addr + 2 pad, protocol 0x0800
    const v1 = decodeFrame(hex(`00 00 00 01 00 06 00 80 f4 00 00 02 00 00 08 00 ${IP_UDP}`), 113);
    expect(v1.layers).toEqual(['sll', 'ipv4', 'udp']);
    expect(v1.srcMac).toBe('00:80:f4:00:00:02');
    // SLL2: protocol 0x0800, reserved, ifindex 2, ARPHRD_ETHER, packet type 0, addr len 6, addr + 2 pad
    const v2 = decodeFrame(hex(`08 00 00 00 00 00 00 02 00 01 00 06 00 80 f4 00 00 02 00 00 ${IP_UDP}`), 276);
    expect(v2.layers).toEqual(['sll', 'ipv4', 'udp']);
    expect(v2.srcMac).toBe('00:80:f4:00:00:02');
  });

  it('BSD loopback in either byte order, and raw IP', () => {
    expect(decodeFrame(hex(`02 00 00 00 ${IP_UDP}`), 0).layers).toEqual(['null', 'ipv4', 'udp']); // little-endian writer
    expect(decodeFrame(hex(`00 00 00 02 ${IP_UDP}`), 108).layers).toEqual(['null', 'ipv4', 'udp']);
    expect(decodeFrame(hex(`00 00 00 63 ${IP_UDP}`), 0).anomalies).toEqual(['null.unknown_family']);
    expect(decodeFrame(hex(IP_UDP), 101).layers).toEqual(['raw', 'ipv4', 'udp']);
    expect(decodeFrame(hex(IP_UDP), 228).layers).toEqual(['raw', 'ipv4', 'udp']);
  });

  it('an unknown link type is counted, not guessed', () => {
    expect(decodeFrame(hex(IP_UDP), 147).anomalies).toEqual(['decode.unknown_linktype']);
  });
});

describe('IEEE 802.3 length field and 802.2 LLC/SNAP', () => {
  const registry = defaultRegistry();
  const app = (r: ReturnType<typeof decodeFrame>) => (r.pkt.appIndex >= 0 ? registry.dissectors[r.pkt.appIndex]!.id : null);
  const appBytes = (r: ReturnType<typeof decodeFrame>) => r.pkt.buf.subarray(r.pkt.appOff, r.pkt.appEnd).toString('hex');
  const len = (n: number) => n.toString(16).padStart(4, '0');
  const pad = (frame: Buffer) => Buffer.concat([frame, Buffer.alloc(Math.max(0, 60 - frame.length))]);
  const CDP = '02 b4 fe f9 00 01 00 08 73 77 2d 31'; // CDPv2, TTL 180, checksum, Device ID "sw-1"
  const SNAP_CDP = `aa aa 03 00 00 0c 20 00 ${CDP}`; // DSAP = SSAP = SNAP, UI, Cisco OUI, PID 0x2000

  it('SNAP with the Cisco OUI and PID 0x2000 goes to CDP, without the Ethernet padding', () => {
    const r = decodeFrame(pad(hex(`01 00 0c cc cc cc 00 80 f4 00 00 02 ${len(20)} ${SNAP_CDP}`)));
    expect(r.layers).toEqual(['eth', 'llc']);
    expect(r.anomalies).toEqual([]);
    expect(app(r)).toBe('cdp');
    expect(appBytes(r)).toBe(hex(CDP).toString('hex')); // 12 bytes, not the 26 padding bytes after them
    expect(r.pkt.ethertype).toBe(0); // an 802.3 frame has no EtherType
    expect(r.srcMac).toBe('00:80:f4:00:00:02');
  });

  it('SNAP with OUI 00-00-00 carries an EtherType (RFC 1042): IPv4 in SNAP decodes as IPv4', () => {
    const ipUdp = `${ip4(30, 17)} 04 d2 00 35 00 0a 00 00 ab cd`;
    const r = decodeFrame(pad(hex(`${ETH} ${len(8 + 30)} aa aa 03 00 00 00 08 00 ${ipUdp}`)));
    expect([...r.layers].sort()).toEqual(['eth', 'ipv4', 'llc', 'udp']); // layers come in registry order
    expect(r.anomalies).toEqual([]);
    expect(r.pkt.ethertype).toBe(0x0800);
    expect(r.src).toBe('10.0.0.10');
    expect(r.payload).toBe('abcd');
    // an "EtherType" below 0x0600 under SNAP is a length, and is not dispatched (no loop back into LLC)
    expect(decodeFrame(hex(`${ETH} ${len(10)} aa aa 03 00 00 00 00 04 aa aa`)).layers).toEqual(['eth', 'llc']);
  });

  it('spanning-tree BPDUs (DSAP 0x42), other OUIs and other Cisco PIDs: LLC decoded, nothing above, no anomaly', () => {
    const bpdu = `42 42 03 00 00 00 00 00 80 00 00 80 f4 00 00 02 00 00 00 00 80 00 00 80 f4 00 00 02 80 01 00 00 14 00 02 00 0f 00`;
    const stp = decodeFrame(pad(hex(`01 80 c2 00 00 00 00 80 f4 00 00 02 ${len(38)} ${bpdu}`)));
    expect(stp.layers).toEqual(['eth', 'llc']);
    expect(stp.anomalies).toEqual([]);
    expect(app(stp)).toBeNull();
    const dtp = decodeFrame(pad(hex(`01 00 0c cc cc cc 00 80 f4 00 00 02 ${len(13)} aa aa 03 00 00 0c 20 04 01 00 01 00 05`)));
    expect(dtp.layers).toEqual(['eth', 'llc']);
    expect(dtp.anomalies).toEqual([]);
    expect(app(dtp)).toBeNull();
    const bridged = decodeFrame(pad(hex(`${ETH} ${len(10)} aa aa 03 00 80 c2 00 07 00 00`)));
    expect(bridged).toMatchObject({ layers: ['eth', 'llc'], anomalies: [] });
    // I-format LLC (two-octet control field), e.g. NetBIOS over LLC2
    expect(decodeFrame(pad(hex(`${ETH} ${len(6)} f0 f0 00 02 ab cd`)))).toMatchObject({ layers: ['eth', 'llc'], anomalies: [] });
  });

  it('raw 802.3 (Novell IPX, 0xffff) is not LLC', () => {
    expect(decodeFrame(pad(hex(`${ETH} ${len(30)} ff ff 00 1e 00 04`)))).toMatchObject({ layers: ['eth'], anomalies: [] });
  });

  it('a length past the frame is an anomaly, unless the snap length cut the frame', () => {
    const frame = pad(hex(`01 00 0c cc cc cc 00 80 f4 00 00 02 ${len(300)} ${SNAP_CDP}`));
    const whole = decodeFrame(frame);
    expect(whole.anomalies).toEqual(['eth.length_exceeds_frame']);
    expect(whole.layers).toEqual(['eth']);
    expect(app(whole)).toBeNull();
    const cut = decodeFrame(frame, 1, 314);
    expect(cut.anomalies).toEqual([]);
    expect(cut.layers).toEqual(['eth', 'llc']);
    expect(app(cut)).toBe('cdp');
  });

  it('LLC after an 802.1Q tag and in Linux cooked captures (protocol 4) reaches CDP too', () => {
    const tagged = decodeFrame(pad(hex(`01 00 0c cc cc cc 00 80 f4 00 00 02 81 00 00 0a ${len(20)} ${SNAP_CDP}`)));
    expect(tagged.layers).toEqual(['eth', 'vlan', 'llc']);
    expect(tagged.anomalies).toEqual([]);
    expect(app(tagged)).toBe('cdp');
    expect(appBytes(tagged)).toBe(hex(CDP).toString('hex')); // the tag's length field bounds it too
    // SLL: outgoing (4), ARPHRD_ETHER, addr len 6, addr + 2 pad, protocol 4 = ETH_P_802_2
    const cooked = decodeFrame(hex(`00 04 00 01 00 06 00 80 f4 00 00 02 00 00 00 04 ${SNAP_CDP}`), 113);
    expect(cooked.layers).toEqual(['sll', 'llc']);
    expect(app(cooked)).toBe('cdp');
    // protocol 1 (raw 802.3, Novell) is not LLC
    expect(decodeFrame(hex(`00 04 00 01 00 06 00 80 f4 00 00 02 00 00 00 01 ff ff 00 20`), 113).layers).toEqual(['sll']);
  });

  it('an LLC or SNAP header cut short is an anomaly', () => {
    expect(decodeFrame(pad(hex(`${ETH} ${len(2)} 42 42`)))).toMatchObject({ layers: ['eth'], anomalies: ['llc.truncated'] });
    expect(decodeFrame(pad(hex(`${ETH} ${len(5)} aa aa 03 00 00`)))).toMatchObject({ layers: ['eth'], anomalies: ['llc.truncated'] });
    expect(decodeFrame(pad(hex(`${ETH} ${len(3)} f0 f0 00`)))).toMatchObject({ layers: ['eth'], anomalies: ['llc.truncated'] });
  });
});
