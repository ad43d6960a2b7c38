// Shared test helpers: vector loading from ../shared/vectors (beside the repository), hex.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
export { fromHex as hex, toHex } from '../host/hex.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const vectorsDir = join(repoRoot, '..', 'shared', 'vectors');

export function loadVectors<T = any>(file: string): T {
  return JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as T;
}

import { spawnSync } from 'node:child_process';
/** Run the built CLI (build/cli.mjs) with arguments and optional stdin. */
export function runCli(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'build', 'cli.mjs'), ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
