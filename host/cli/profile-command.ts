/**
 * `ue-keys profile [--variant fast|small] [--json] [--compare]`: sizes, memory, stack and
 * executed-instruction counts (host/inspect/profile.ts) of the small build (ue.wasm, usim.wasm) and
 * the fast build (ue-fast.wasm, usim-fast.wasm), each against its goals (host/inspect/goals.ts).
 *  - no --variant: both builds (text: goals of both, the comparison, then each build's details;
 *    --json: an object keyed by variant, {"fast": report, "small": report});
 *  - --variant: that build only (--json: one report, the shape `profile --json` always had);
 *  - --compare: only the side-by-side table (instructions per operation, bytes per module, ratio).
 */
import { applySpecs, split, unexpected, UsageError, type FlagSpec } from './args.js';
import type { Command } from './registry.js';
import { compare, profile, profileBoth, renderBoth, renderCompare, renderText, stableJson, VARIANTS, type Variant } from '../inspect/profile.js';
import { armProfile } from './profile-target.js';

const FLAGS: FlagSpec[] = [
  { name: 'json', kind: 'bool' },
  { name: 'compare', kind: 'bool' },
  { name: 'variant', kind: 'enum', values: VARIANTS },
];

export const profileCommand: Command = {
  name: 'profile',
  summary: 'module sizes by section/function, static memory, value-stack depth, executed wasm instructions per operation, for the fast and the small build (--json: sorted keys); --target: instructions on an ARM core or x86-64',
  usage: 'ue-keys profile [--variant fast|small] [--json] [--compare] | ue-keys profile --target cortex-m4|cortex-m33|cortex-a7|x86-64[,…]|all [--checks stock|mask|none] [--opt Os|O2] [--variant small|fast] [--ops ID,…] [--json] [--compare]',
  run(argv) {
    // --target: the firmware compiled for a CPU and counted there (issue 15, profile-target.ts)
    if (argv.some((a) => a === '--target' || a.startsWith('--target='))) return armProfile(argv);
    const p = split(argv, new Set(['json', 'compare']));
    if (p.positionals.length) throw unexpected('profile', p.positionals[0]);
    const a = applySpecs(FLAGS, p.flags, 'profile');
    const variant = a.variant as Variant | undefined;
    if (a.compare && variant) throw new UsageError('--compare', 'compares both builds: leave out --variant');
    if (variant) {
      const r = profile(variant);
      console.log(a.json ? stableJson(r) : renderText(r, variant));
      return 0;
    }
    const both = profileBoth();
    if (a.compare) console.log(a.json ? stableJson(compare(both)) : renderCompare(compare(both)));
    else console.log(a.json ? stableJson(both) : renderBoth(both));
    return 0;
  },
};
