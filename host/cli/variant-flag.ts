/**
 * The global `--variant small|fast` flag (issue 12): which firmware build every computation of this
 * run uses — `fast` (build/ue-fast.wasm, build/usim-fast.wasm; the default) or `small` (build/ue.wasm,
 * build/usim.wasm, the baseband-sized build). Accepted before the command name or anywhere among
 * its arguments; main.ts takes it out before the command parses its own flags and makes it the
 * process-wide default (host/firmware/variant.ts), so every model the command builds follows it.
 * `profile` keeps its own --variant (both builds side by side) and is not touched. `run srvcc`
 * also has a --variant of its own, the SRVCC derivation variant: there a value of that set is left
 * for the scenario's parser (the two value sets do not overlap).
 */
import { VARIANTS, type Variant } from '../firmware/variant.js';
import { shown } from '../errors.js';
import { UsageError } from './args.js';

/** Commands whose own flags include --variant with another meaning (checked by value). */
const SRVCC_VARIANTS = ['mme-derive', 'mme-concat', 'direct'];

/** Remove every `--variant V` / `--variant=V` meant as the global flag from `argv`; returns the
 *  build it names (null: none given) and the remaining arguments. */
export function takeVariant(argv: readonly string[], srvcc: boolean): { variant: Variant | null; rest: string[] } {
  const rest: string[] = [];
  let variant: Variant | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a !== '--variant' && !a.startsWith('--variant=')) { rest.push(a); continue; }
    const inline = a.startsWith('--variant=');
    if (!inline && i + 1 >= argv.length) throw new UsageError('--variant', `needs a value (${VARIANTS.join('|')})`);
    const v = inline ? a.slice('--variant='.length) : argv[i + 1];
    if (srvcc && SRVCC_VARIANTS.includes(v)) { rest.push(a); if (!inline) rest.push(argv[++i]); continue; }
    if (!(VARIANTS as readonly string[]).includes(v)) {
      throw new UsageError('--variant', `must be one of ${VARIANTS.join('|')} (firmware build)${srvcc ? ` or ${SRVCC_VARIANTS.join('|')} (SRVCC variant)` : ''}, got ${shown(v)}`);
    }
    if (variant !== null) throw new UsageError('--variant', 'given more than once');
    variant = v as Variant;
    if (!inline) i++;
  }
  return { variant, rest };
}
