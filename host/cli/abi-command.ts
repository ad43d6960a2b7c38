/** `ue-keys abi`: the memory map, exports and status codes of a module, read from the module. */
import { readFileSync, writeFileSync } from 'node:fs';
import { abiMarkdown, describeModule, regionNotes } from '../inspect/abi.js';
import { staticLayout } from '../inspect/layout.js';
import type { ModuleFile, ModuleName } from '../firmware/loader.js';
import { variantFile, type Variant } from '../firmware/variant.js';
import { applySpecs, split, unexpected, type FlagSpec } from './args.js';
import type { Command } from './registry.js';

const FLAGS: FlagSpec[] = [{ name: 'module', kind: 'enum', values: ['ue', 'usim'] }, { name: 'json', kind: 'bool' }, { name: 'update-readme', kind: 'text' }];

/** The README section between `<!-- abi:MODULE -->` and `<!-- /abi:MODULE -->`. */
export const readmeMarkers = (m: ModuleFile) => [`<!-- abi:${m} -->`, `<!-- /abi:${m} -->`] as const;

/** Replace the generated ABI sections of a README text with the current modules' tables: the
 *  small build's whole ABI, and the fast build's memory map (its exports and status codes are the
 *  small build's, tests/vectors/fast-build.test.ts; its static data holds more tables, issue 12). */
export function updateReadme(text: string): string {
  for (const m of ['ue', 'usim', 'ue-fast', 'usim-fast'] as const) {
    const [a, b] = readmeMarkers(m);
    const i = text.indexOf(a), j = text.indexOf(b);
    if (i < 0 || j < i) continue;
    const md = abiMarkdown(describeModule(m), regionNotes(m), staticLayout(m));
    text = text.slice(0, i + a.length) + '\n' + (m.endsWith('-fast') ? md.slice(0, md.indexOf('\n\n')) : md) + '\n' + text.slice(j);
  }
  return text;
}

export const abiCommand: Command = {
  name: 'abi',
  summary: 'memory map, exports and status codes of build/ue.wasm or build/usim.wasm (markdown or --json); with the global --variant fast, of build/ue-fast.wasm or build/usim-fast.wasm',
  usage: 'ue-keys [--variant small|fast] abi [--module ue|usim] [--json] [--update-readme README.md]',
  run(argv, variant?: Variant | null) {
    const p = split(argv, new Set(['json']));
    if (p.positionals.length) throw unexpected('abi', p.positionals[0]);
    const a = applySpecs(FLAGS, p.flags, 'abi');
    if (a['update-readme']) { writeFileSync(a['update-readme'], updateReadme(readFileSync(a['update-readme'], 'utf8'))); return 0; }
    // the small build unless one is named: the README's tables and the C header describe it
    const module = variantFile((a.module ?? 'ue') as ModuleName, variant ?? 'small');
    const abi = describeModule(module);
    if (a.json) console.log(JSON.stringify({ ...abi, notes: regionNotes(module) }, null, 1));
    else console.log(abiMarkdown(abi, regionNotes(module), staticLayout(module)));
    return 0;
  },
};
