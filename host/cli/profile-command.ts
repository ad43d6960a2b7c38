/** `ue-keys profile [--json]`: sizes, memory, stack and executed-instruction counts (profile.ts). */
import { applySpecs, split, unexpected, type FlagSpec } from './args.js';
import type { Command } from './registry.js';
import { profile, renderText, stableJson } from '../inspect/profile.js';
import { armProfile } from './profile-target.js';

const FLAGS: FlagSpec[] = [{ name: 'json', kind: 'bool' }];

export const profileCommand: Command = {
  name: 'profile',
  summary: 'module sizes by section/function, static memory, value-stack depth, executed wasm instructions per operation (--json: sorted keys)',
  usage: 'ue-keys profile [--json] | ue-keys profile --target cortex-m4|cortex-m33|cortex-a7|x86-64[,…]|all [--checks stock|mask|none] [--opt Os|O2] [--variant small|fast] [--ops ID,…] [--json] [--compare]',
  run(argv) {
    // --target: the firmware compiled for a CPU and counted there (issue 15, profile-target.ts)
    if (argv.some((a) => a === '--target' || a.startsWith('--target='))) return armProfile(argv);
    const p = split(argv, new Set(['json']));
    if (p.positionals.length) throw unexpected('profile', p.positionals[0]);
    const a = applySpecs(FLAGS, p.flags, 'profile');
    const r = profile();
    console.log(a.json ? stableJson(r) : renderText(r));
    return 0;
  },
};
