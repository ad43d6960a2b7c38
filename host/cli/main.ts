/**
 * `ue-keys` command-line entry. Exit codes: 0 success, 2 bad input (one line on stderr naming the
 * field), 1 any other failure (one line, never a stack trace).
 */
import { createInterface } from 'node:readline';
import { UeKeysError } from '../errors.js';
import { UsageError } from './args.js';
import type { BatchOp, Command } from './registry.js';
import { deriveCommand, kdfBatchOps, kdfCommand } from './kdf-commands.js';
import { demoCommand } from './demo.js';
import { abiCommand } from './abi-command.js';
import { nasBatchOps, nasCommand } from './nas-commands.js';
import { runCommand } from './run-command.js';
import './run-scenarios.js';
import { usimBatchOps, usimCommands } from './usim-commands.js';
import { profileCommand } from '../profile/command.js';

const commands: Command[] = [demoCommand, kdfCommand, deriveCommand, nasCommand, runCommand, abiCommand, ...usimCommands, profileCommand];
const batchOps: BatchOp[] = [...kdfBatchOps, ...nasBatchOps, ...usimBatchOps];

const batchCommand: Command = {
  name: 'batch',
  summary: 'JSON lines on stdin → one JSON line per input line on stdout ({"error": ...} for a bad line)',
  usage: 'ue-keys batch   (ops: ' + batchOps.map((o) => o.op).join(', ') + ')',
  async run() {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      let out: unknown;
      try {
        const o = JSON.parse(line);
        if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError('line', 'must be a JSON object');
        const op = batchOps.find((b) => b.op === o.op);
        if (!op) throw new UsageError('op', `must be one of ${batchOps.map((b) => b.op).join(', ')}, got ${JSON.stringify(o.op)}`);
        out = await op.run(o);
      } catch (e) {
        out = { error: e instanceof SyntaxError ? `line is not JSON: ${e.message}` : (e as Error).message };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
    return 0;
  },
};
commands.push(batchCommand);

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return ['ue-keys — UE-side 5G key handling (TS 33.501) in a fixed-memory WebAssembly module', '',
    'Commands:', ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`), '',
    'ue-keys COMMAND --help for the flags of a command.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help' || name === '-h') { console.log(help()); return name ? 0 : 2; }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) throw new UsageError('COMMAND', `must be one of ${commands.map((c) => c.name).join(', ')}, got ${JSON.stringify(name)}`);
  // derive, nas and run print their own detailed help (names, subcommands, scenarios)
  if (rest.includes('--help') && !['derive', 'nas', 'run'].includes(cmd.name)) { console.log(`usage: ${cmd.usage}\n\n${cmd.summary}`); return 0; }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    const bad = e instanceof UeKeysError;
    process.stderr.write(`ue-keys: ${bad ? e.message : (e as Error)?.message ?? String(e)}\n`);
    process.exitCode = bad ? 2 : 1;
  },
);
