// Shared test helpers: the project's vector sets (tests/vectors), hex, running the built CLI.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-ignore: plain ESM shared with the node scripts of host/tools/native
import { loadSet, vectorCases, vectorsDir } from './vectors/load.mjs';
export { fromHex as hex, toHex } from '../host/hex.js';
export { loadSet, vectorCases, vectorsDir };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Run the built CLI (build/cli.mjs) with arguments and optional stdin. */
export function runCli(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'build', 'cli.mjs'), ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
