// TCP reassembly of one direction: in order, reordered, retransmitted, overlapping, gaps, mid-stream
// starts, sequence wrap-around and the bound on held data.
import { describe, expect, it } from 'vitest';
import type { AnomalyId } from '../src/decode/anomalies.js';
import { MAX_HELD_BYTES, TcpStream } from '../src/flows/tcp-stream.js';

function recorder() {
  const events: string[] = [];
  const anomalies: AnomalyId[] = [];
  const stream = new TcpStream({
    data: (b) => events.push(b.toString('latin1')),
    gap: (n) => events.push(`<gap ${n}>`),
  }, (id) => anomalies.push(id));
  return { stream, events, anomalies, text: () => events.join('') };
}

const seg = (s: string) => Buffer.from(s, 'latin1');

describe('TcpStream', () => {
  it('delivers in-order data after the SYN', () => {
    const r = recorder();
    r.stream.segment(1000, true, false, seg(''), 0);
    r.stream.segment(1001, false, false, seg('hello '), 1);
    r.stream.segment(1007, false, false, seg('world'), 2);
    expect(r.text()).toBe('hello world');
    expect(r.anomalies).toEqual([]);
  });

  it('holds segments that arrive early and releases them in order', () => {
    const r = recorder();
    r.stream.segment(0, true, false, seg(''), 0);
    r.stream.segment(7, false, false, seg('CCC'), 1);
    r.stream.segment(4, false, false, seg('BBB'), 2);
    expect(r.text()).toBe('');
    r.stream.segment(1, false, false, seg('AAA'), 3);
    expect(r.text()).toBe('AAABBBCCC');
    expect(r.anomalies.filter((a) => a === 'tcp.out_of_order')).toHaveLength(2);
  });

  it('drops full retransmissions and keeps only the new tail of a partial one', () => {
    const r = recorder();
    r.stream.segment(0, true, false, seg(''), 0);
    r.stream.segment(1, false, false, seg('abcd'), 1);
    r.stream.segment(1, false, false, seg('abcd'), 2); // full duplicate
    r.stream.segment(3, false, false, seg('cdEF'), 3); // overlaps by 2
    expect(r.text()).toBe('abcdEF');
    expect(r.anomalies).toEqual(['tcp.retransmission', 'tcp.retransmission']);
  });

  it('starts mid-stream at the first byte it sees', () => {
    const r = recorder();
    r.stream.segment(123456, false, false, seg('mid'), 0);
    r.stream.segment(123459, false, false, seg('stream'), 1);
    expect(r.text()).toBe('midstream');
  });

  it('wraps around the 32-bit sequence space', () => {
    const r = recorder();
    r.stream.segment(0xfffffffd, false, false, seg('abc'), 0);
    r.stream.segment(0, false, false, seg('def'), 1);
    r.stream.segment(6, false, false, seg('ghi'), 2); // early, after a missing 3 bytes at seq 3
    r.stream.segment(3, false, false, seg('XYZ'), 3);
    expect(r.text()).toBe('abcdefXYZghi');
  });

  it('declares a gap when the peer acknowledges bytes the capture never had', () => {
    const r = recorder();
    r.stream.segment(0, true, false, seg(''), 0);
    r.stream.segment(1, false, false, seg('one'), 1);
    r.stream.segment(9, false, false, seg('three'), 2); // bytes 4..8 are missing
    r.stream.acked(14);
    expect(r.events).toEqual(['one', '<gap 5>', 'three']);
    expect(r.anomalies).toContain('tcp.gap');
  });

  it('flushes held data behind a gap at the end of the connection', () => {
    const r = recorder();
    r.stream.segment(0, true, false, seg(''), 0);
    r.stream.segment(10, false, false, seg('late'), 1);
    r.stream.flush();
    expect(r.events).toEqual(['<gap 9>', 'late']);
  });

  it('bounds held data: past the bound it gives up on the hole', () => {
    const r = recorder();
    r.stream.segment(0, true, false, seg(''), 0);
    const chunk = Buffer.alloc(60_000, 0x61);
    let seq = 1001; // bytes 1..1000 never come
    for (let i = 0; i * chunk.length <= MAX_HELD_BYTES; i++, seq += chunk.length) r.stream.segment(seq, false, false, chunk, i);
    expect(r.anomalies).toContain('tcp.reassembly_overflow');
    expect(r.events[0]).toBe('<gap 1000>');
    expect(r.events.slice(1).join('').length).toBeGreaterThan(MAX_HELD_BYTES - chunk.length);
  });
});
