/** `ue-keys profile [--json]`: sizes, memory, stack and executed-instruction counts (profile.ts). */
import { applySpecs, split, unexpected, type FlagSpec } from './args.js';
import type { Command } from './registry.js';
import { profile, renderText, stableJson } from '../inspect/profile.js';

const FLAGS: FlagSpec[] = [{ name: 'json', kind: 'bool' }];

export const profileCommand: Command = {
  name: 'profile',
  summary: 'module sizes by section/function, static memory, value-stack depth, executed wasm instructions per operation (--json: sorted keys)',
  usage: 'ue-keys profile [--json]',
  run(argv) {
    const p = split(argv, new Set(['json']));
    if (p.positionals.length) throw unexpected('profile', p.positionals[0]);
    const a = applySpecs(FLAGS, p.flags, 'profile');
    const r = profile();
    console.log(a.json ? stableJson(r) : renderText(r));
    return 0;
  },
};
