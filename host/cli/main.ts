/**
 * `ue-keys` command-line entry. Exit codes: 0 success, 2 bad input (one line on stderr naming the
 * field), 1 any other failure (one line, never a stack trace).
 */
import { fstatSync } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { redact, shown, UeKeysError } from '../errors.js';
import { unexpected, UsageError } from './args.js';
import type { BatchOp, Command } from './registry.js';
import { deriveCommand, kdfBatchOps, kdfCommand } from './kdf-commands.js';
import { demoCommand } from './demo.js';
import { abiCommand } from './abi-command.js';
import { nasBatchOps, nasCommand } from './nas-commands.js';
import { runCommand } from './run-command.js';
import './run-scenarios.js';
import { usimBatchOps, usimCommands } from './usim-commands.js';
import { profileCommand } from './profile-command.js';
import { conformanceCommand } from './conformance-command.js';
import { takeVariant } from './variant-flag.js';
import { defaultVariant, setDefaultVariant, type Variant } from '../firmware/variant.js';
import { decipherCommand } from './decipher-command.js';

const commands: Command[] = [demoCommand, kdfCommand, deriveCommand, nasCommand, runCommand, abiCommand, ...usimCommands, profileCommand, conformanceCommand, decipherCommand];
const batchOps: BatchOp[] = [...kdfBatchOps, ...nasBatchOps, ...usimBatchOps];

/** The answer object for one batch input line. Errors never carry the line's text: a JSON
 *  SyntaxError message quotes the input, so only the position is kept. */
async function batchAnswer(line: string): Promise<unknown> {
  if (line.trim() === '') return { error: 'empty line' };
  try {
    let o: any;
    try { o = JSON.parse(line); } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      return { error: `line is not JSON${at ? ` (at position ${at[1]})` : ''}` };
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError('line', 'must be a JSON object');
    const op = batchOps.find((b) => b.op === o.op);
    if (!op) throw new UsageError('op', `must be one of ${batchOps.map((b) => b.op).join(', ')}, got ${shown(o.op)}`);
    return await op.run(o);
  } catch (e) {
    return { error: redact(String((e as Error)?.message ?? e)).split('\n')[0] };
  }
}

/** Write one line, waiting for 'drain' when stdout's buffer is full (backpressure: a slow reader
 *  never makes batch hold more than one chunk of input and one buffer of output). */
async function writeLine(text: string): Promise<void> {
  if (!process.stdout.write(text + '\n')) await once(process.stdout, 'drain');
}

const batchCommand: Command = {
  name: 'batch',
  summary: 'JSON lines on stdin → one JSON line per input line, blank lines included, on stdout ({"error": ...} for a bad line)',
  usage: 'ue-keys batch   (no arguments; ops: ' + batchOps.map((o) => o.op).join(', ') + ')',
  async run(argv) {
    if (argv.length) throw argv[0].startsWith('--') ? new UsageError(argv[0].split('=')[0], 'is not a flag of batch (batch takes no arguments)') : unexpected('batch', argv[0]);
    let dir = false;
    try { dir = fstatSync(0).isDirectory(); } catch { /* closed stdin: read as empty */ }
    if (dir) throw new UsageError('stdin', 'is a directory (batch reads JSON lines from a file or pipe)');
    const decoder = new StringDecoder('utf8');
    let pending = '';
    try {
      // Pull one chunk at a time: the next chunk is read only after every line of this one is
      // answered and written (readline would keep reading ahead of a slow consumer).
      for await (const chunk of process.stdin) {
        pending += decoder.write(chunk as Buffer);
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).replace(/\r$/, '');
          pending = pending.slice(nl + 1);
          await writeLine(JSON.stringify(await batchAnswer(line)));
        }
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'EISDIR') throw new UsageError('stdin', 'is a directory (batch reads JSON lines from a file or pipe)');
      if (code) throw new UsageError('stdin', `cannot be read (${code})`);
      throw e;
    }
    pending += decoder.end();
    if (pending.replace(/\r$/, '') !== '') await writeLine(JSON.stringify(await batchAnswer(pending.replace(/\r$/, ''))));
    return 0;
  },
};
commands.push(batchCommand);

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return ['ue-keys — UE-side 5G key handling (TS 33.501) in a fixed-memory WebAssembly module', '',
    'Commands:', ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`), '',
    'Global flag (every command but profile, which has its own): --variant small|fast — the firmware',
    'build that computes: fast (build/ue-fast.wasm, the default) or small (build/ue.wasm, the',
    'baseband-sized build); same results. UE_KEYS_VARIANT=small|fast sets the default.', '',
    'ue-keys COMMAND --help for the flags of a command.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  // the global --variant may come before the command name (`ue-keys --variant small kdf …`)
  let lead: Variant | null = null;
  if (argv[0] === '--variant' || argv[0]?.startsWith('--variant=')) {
    const n = argv[0].includes('=') ? 1 : 2;
    lead = takeVariant(argv.slice(0, n), false).variant;
    argv = argv.slice(n);
  }
  const [name, ...args] = argv;
  if (name === '--help' || name === 'help' || name === '-h') { console.log(help()); return 0; }
  // no command: usage on stderr, exit 2 (issue 17)
  if (!name) { process.stderr.write(help() + '\n'); return 2; }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) throw new UsageError('COMMAND', `must be one of ${commands.map((c) => c.name).join(', ')}, got ${shown(name)}`);
  let rest = args, named: Variant | null = null;
  if (cmd.name === 'profile') {
    // profile shows both builds itself and reads its own --variant
    if (lead !== null) throw new UsageError('--variant', 'goes after profile (profile --variant fast|small)');
  } else {
    const t = takeVariant(args, cmd.name === 'run' && args[0] === 'srvcc');
    if (lead !== null && t.variant !== null) throw new UsageError('--variant', 'given more than once');
    rest = t.rest;
    named = lead ?? t.variant;
    // the firmware environment default is checked here too: a bad UE_KEYS_VARIANT is exit 2 before any work
    setDefaultVariant(lead ?? t.variant ?? defaultVariant());
  }
  // derive, nas and run print their own detailed help (names, subcommands, scenarios)
  if (rest.includes('--help') && !['derive', 'nas', 'run'].includes(cmd.name)) { console.log(`usage: ${cmd.usage}\n\n${cmd.summary}`); return 0; }
  return cmd.run(rest, named);
}

// A reader that goes away (`ue-keys batch < in | head -1`) ends the run quietly with exit 0: the
// output nobody reads is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`ue-keys: stdout: ${e.code ?? 'write failed'}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    const bad = e instanceof UeKeysError;
    // one line, never a stack trace, never a run of hex digits (a key given in the wrong place)
    const text = bad ? e.message : (e as Error)?.message ?? String(e);
    process.stderr.write(`ue-keys: ${redact(text).split('\n')[0]}\n`);
    process.exitCode = bad ? 2 : 1;
  },
);
