// FTP control connection (RFC 959) over TCP 21, and on other ports by probe. The control channel is
// Telnet-style lines ending in CRLF (§4.1.3, §5.3): the client sends "COMMAND [argument]", the server
// "ddd text" or a multi-line reply "ddd-text ... ddd text" (§4.2). Every line is one PDU; lines are
// bounded (MAX_LINE), and a longer run without a line end is not an FTP control channel.
//
// The server's 220 greeting usually names the server software (ProFTPD, vsFTPd, FileZilla Server,
// PLC and printer firmware): it is the identity of the server. USER and PASS (§4.1.1) become
// credentials: the user name is kept, the password never is: only its length and a rough strength,
// so weak-credential findings need no secret. Data connections (file bodies) are not decoded here.
import type { AnomalyId } from '../decode/anomalies.js';
import type { OpClass } from '../decode/pdu.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';
import { passwordStrength } from './http.js';

/** Longest control line accepted: RFC 959 sets none; 8 KiB covers long paths with room to spare. */
const MAX_LINE = 8 * 1024;
/** Longest text kept from a line (arguments, reply text, the banner). */
const MAX_TEXT = 256;

export const FTP_ANOMALIES = [
  'ftp.truncated',
  'ftp.bad_reply',
  'ftp.bad_command',
  'ftp.pass_without_user',
] as const satisfies readonly AnomalyId[];

/** What a command does (RFC 959 §4.1, RFC 3659): file transfer and listing read, changes write. */
const OPS: Record<string, OpClass> = {
  RETR: 'read', LIST: 'read', NLST: 'read', MLSD: 'read', MLST: 'read', SIZE: 'read', MDTM: 'read', CWD: 'read', CDUP: 'read', PWD: 'read', XPWD: 'read', STAT: 'read',
  STOR: 'write', STOU: 'write', APPE: 'write', DELE: 'write', RNFR: 'write', RNTO: 'write', MKD: 'write', XMKD: 'write', RMD: 'write', XRMD: 'write', SITE: 'write',
  SYST: 'diagnostic', NOOP: 'diagnostic', HELP: 'diagnostic', FEAT: 'diagnostic',
};

export interface FtpState {
  /** the last USER name, for the PASS that follows */
  user: string | null;
  /** reply code of an open multi-line reply ("ddd-"), until its "ddd " end line */
  multiline: string | null;
  /** the greeting was seen: only the first 220 is the server's banner */
  greeted: boolean;
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length === 0) return 0;
  // Control lines are text: a NUL or other control byte (bar TAB, CR, LF) first is not FTP.
  const b0 = data[0]!;
  if (b0 < 0x20 && b0 !== 0x09 && b0 !== 0x0d && b0 !== 0x0a) return -1;
  const lf = data.subarray(0, Math.min(data.length, MAX_LINE)).indexOf(0x0a);
  if (lf >= 0) return lf + 1;
  return data.length >= MAX_LINE ? -1 : 0;
}

function probe(data: Buffer, dir: Direction): ProbeResult {
  // The server speaks first (§5.4): a 220 "Service ready" greeting. SMTP greets with 220 too.
  if (dir !== 1) return 'no';
  const want = '220';
  for (let i = 0; i < Math.min(data.length, 3); i++) if (data[i] !== want.charCodeAt(i)) return 'no';
  if (data.length < 4) return 'need-more';
  if (data[3] !== 0x20 && data[3] !== 0x2d) return 'no';
  const lf = data.indexOf(0x0a);
  if (lf < 0) return data.length > MAX_LINE ? 'no' : 'need-more';
  const line = data.toString('latin1', 0, lf);
  return /SMTP|mail|Postfix|Sendmail|Exim/i.test(line) ? 'no' : 'yes';
}

function decode(pdu: Buffer, dir: Direction, state: FtpState, out: PduSink): void {
  if (pdu.length === 0 || pdu[pdu.length - 1] !== 0x0a) { out.anomaly('ftp.truncated'); return; }
  const line = pdu.toString('latin1', 0, Math.min(pdu.length, MAX_LINE)).replace(/\r?\n$/, '');
  const p: Record<string, unknown> & { proto: string; kind: string } = { proto: 'ftp', kind: 'reply' };
  if (dir === 1) {
    const m = /^(\d{3})([ -])(.*)$/.exec(line) ?? /^(\d{3})()$/.exec(line);
    p.role = 'response';
    if (!m || (state.multiline !== null && m[1] !== state.multiline)) {
      // inside a multi-line reply, other lines are free text (§4.2); outside one, a malformed reply
      if (state.multiline === null) out.anomaly('ftp.bad_reply');
      p.kind = 'reply_text';
      p.text = line.slice(0, MAX_TEXT);
      out.pdu(p);
      return;
    }
    const code = Number.parseInt(m[1]!, 10);
    const text = m[3]!.slice(0, MAX_TEXT);
    p.replyCode = code;
    p.functionCode = code;
    p.text = text;
    if (m[2] === '-') { p.multiline = true; state.multiline = m[1]!; } else state.multiline = null;
    if (code >= 400) p.exception = { code, name: text };
    if (code === 220 && !state.greeted) {
      state.greeted = true;
      p.kind = 'greeting';
      p.functionName = 'greeting';
      if (text.trim() !== '') p.identity = { productName: text.trim() };
    }
    out.pdu(p);
    return;
  }
  const m = /^([A-Za-z]{3,4})(?: (.*))?$/.exec(line);
  if (!m) { out.anomaly('ftp.bad_command'); return; }
  const cmd = m[1]!.toUpperCase();
  const arg = m[2] ?? '';
  p.kind = 'command';
  p.role = 'request';
  p.command = cmd;
  p.functionName = cmd;
  p.op = OPS[cmd] ?? 'session';
  if (cmd === 'USER') {
    state.user = arg.slice(0, MAX_TEXT);
    p.argument = state.user;
  } else if (cmd === 'PASS') {
    // the argument is the password: never stored, only measured
    if (state.user === null) out.anomaly('ftp.pass_without_user');
    p.credentials = { protocol: 'FTP', user: state.user ?? '', passwordLength: arg.length, passwordStrength: passwordStrength(arg) };
  } else if (arg !== '') {
    p.argument = arg.slice(0, MAX_TEXT);
  }
  out.pdu(p);
}

export const ftp: StreamDissector<FtpState> = {
  id: 'ftp',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 21 }],
  anomalies: FTP_ANOMALIES,
  maxPdu: MAX_LINE,
  probe,
  frame,
  decode,
  newState: () => ({ user: null, multiline: null, greeted: false }),
};
