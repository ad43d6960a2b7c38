// npm test's Vitest configuration (issue 12: one firmware, two builds). The vector, differential,
// procedure and conformance suites form one parameterised suite run twice: projects `fast` and
// `small` differ only in UE_KEYS_VARIANT, the process-wide default build of host/firmware/variant.ts
// that every model and tests/helpers.ts (UE_FILE, USIM_FILE, UE_VECTORS_FILE) follow; the reporter
// prefixes every test with its project, |fast| or |small|. So do the ABI suites of BOTH_FILES. Suites
// about one build by nature (fast-build parity, the small build's computed tables, size budgets,
// profile, generated ABI) and the other ABI, storage, encoding and CLI suites run once, in project
// `single`, with the default build (fast).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const BOTH_DIRS = ['tests/vectors/', 'tests/differential/', 'tests/procedures/'];
/** In BOTH_DIRS but about one build. */
const ONE_BUILD = ['tests/vectors/fast-build.test.ts', 'tests/vectors/crypto-tables.test.ts'];
/** ABI suites that check firmware behaviour through default-built models (new UeFirmware(), loadSync(),
 *  new UsimModule()): the secrets-in-memory rules of issue 17 and the export boundaries hold for both builds. */
const BOTH_FILES = ['tests/abi/memory-hygiene.test.ts', 'tests/abi/boundaries.test.ts', 'tests/abi/aka-export.test.ts', 'tests/abi/nas-protect-abi.test.ts'];

const suites = readdirSync(join(root, 'tests'), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
  .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
  .filter((f) => !f.startsWith('tests/mutation/'))
  .sort();
const both = suites.filter((f) => (BOTH_DIRS.some((d) => f.startsWith(d)) && !ONE_BUILD.includes(f)) || BOTH_FILES.includes(f));
const single = suites.filter((f) => !both.includes(f));

const perBuild = (variant) => ({ extends: true, test: { name: variant, include: both, env: { UE_KEYS_VARIANT: variant } } });

export default defineConfig({
  root,
  test: { projects: [perBuild('fast'), perBuild('small'), { extends: true, test: { name: 'single', include: single } }] },
});
