// Server greetings for the conformance suite (the probe recognises a flow by its 220 greeting, so
// only those are samples; commands are tested in ftp.test.ts). Hand-built from RFC 959 §4.2 and
// greetings as common servers send them.
const t = (s: string) => Buffer.from(s, 'latin1').toString('hex');

export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 1, hex: t('220 ProFTPD 1.3.5e Server (Debian) [10.80.0.50]\r\n'), note: 'hand-built ProFTPD greeting' },
  { dir: 1, hex: t('220-FileZilla Server 0.9.60 beta\r\n'), note: 'hand-built first line of a multi-line greeting' },
  { dir: 1, hex: t('220 (vsFTPd 3.0.3)\r\n'), note: 'hand-built vsFTPd greeting' },
];
