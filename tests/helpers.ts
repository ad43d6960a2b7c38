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
