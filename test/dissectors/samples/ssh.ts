// Whole SSH PDUs for the conformance suite, hand-built from RFC 4253 (no public capture at hand has
// SSH): identification lines as OpenSSH and Dropbear send them (§4.2). Binary packets are tested in
// ssh.test.ts: the probe rightly says no to them (a flow is recognised by its first line).
const t = (s: string) => Buffer.from(s, 'latin1').toString('hex');

export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 1, hex: t('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n'), note: 'hand-built server identification, OpenSSH with a comment' },
  { dir: 0, hex: t('SSH-2.0-dropbear_2019.78\r\n'), note: 'hand-built client identification, Dropbear' },
];
