// Terminal helpers for the CLI: password input, tables, the actor recorded in the audit trail.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { ActorContext } from '../auth/context.js';
import { InputError } from '../errors.js';

export function cliActor(): ActorContext {
  let name = 'unknown';
  try { name = userInfo().username; } catch { /* no passwd entry */ }
  return { actor: `cli:${name}` };
}

/** With --password-stdin: the first line of standard input. Otherwise a hidden prompt, typed twice. */
export async function readPassword(fromStdin: boolean, what: string): Promise<string> {
  if (fromStdin) {
    const line = await firstLine(process.stdin);
    if (!line) throw new InputError('no password on standard input');
    return line;
  }
  if (!process.stdin.isTTY) throw new InputError('no terminal to ask for the password on: use --password-stdin');
  const a = await promptHidden(`${what}: `);
  const b = await promptHidden(`${what} (again): `);
  if (a !== b) throw new InputError('the two passwords differ');
  return a;
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = () => { stream.removeAllListeners('data'); resolve(buf.split(/\r?\n/)[0] ?? ''); };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.includes('\n')) { done(); (stream as NodeJS.ReadStream).pause?.(); }
    });
    stream.once('end', done);
    stream.once('error', reject);
  });
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void });
    write._writeToOutput = (s: string) => { if (s.includes(question)) process.stderr.write(question); };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** A plain text table: header row, columns padded to the widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** ISO time without milliseconds, or N/A (the sensor's word for "never"). */
export function when(iso: string | null): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : 'N/A';
}
