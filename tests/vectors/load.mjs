// Loader for the vector sets in this folder (format: tests/vectors/README.md). Plain ESM so the
// node scripts of host/tools/native and the vitest files share it. Reads only files inside the repository.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const vectorsDir = dirname(fileURLToPath(import.meta.url));

/** A whole set: { set, kind, source: { document, version, clause }, checked, cases: [{ id, in, out, ... }] }. */
export function loadSet(file) {
  const set = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
  if (!Array.isArray(set.cases) || !set.source) throw new Error(`${file}: not a vector set (no cases/source)`);
  return set;
}

/** The cases of a set, each with its inputs, outputs and labels also readable at the top level
 *  (v.K, v.f1, v.algorithm) next to v.in / v.out. A name used both as input and output is an error. */
export function vectorCases(file) {
  return loadSet(file).cases.map((c) => {
    const flat = { ...c };
    for (const part of ['in', 'out']) for (const [k, v] of Object.entries(c[part] ?? {})) {
      if (k in flat) throw new Error(`${file} ${c.id}: field ${k} appears twice`);
      flat[k] = v;
    }
    return flat;
  });
}
