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

// The firmware build under test. tests/vitest.config.mjs runs the vector, differential, procedure
// and conformance suites once per build — projects `fast` and `small`, which differ only in
// UE_KEYS_VARIANT — so a suite names its modules through these, never 'ue' / 'usim' directly, and
// every model built with defaults (new UeFirmware(), loadSync(), Usim.open…) follows the same build.
import { defaultVariant, variantFile } from '../host/firmware/variant.js';
export const VARIANT = defaultVariant();
/** build/ue-fast.wasm or build/ue.wasm */
export const UE_FILE = variantFile('ue', VARIANT);
/** build/usim-fast.wasm or build/usim.wasm */
export const USIM_FILE = variantFile('usim', VARIANT);
/** build/ue-vectors-fast.wasm or build/ue-vectors.wasm (the ME plus primitive-level test exports) */
export const UE_VECTORS_FILE = variantFile('ue-vectors', VARIANT);
