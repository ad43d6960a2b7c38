/**
 * Which build of the firmware a host model instantiates (issue 12): the same sources compiled twice,
 * with the same exports, memory map and C header. 'small' is build/ue.wasm and build/usim.wasm (the
 * baseband and USIM size budgets); 'fast' is build/ue-fast.wasm and build/usim-fast.wasm
 * (table-driven, unrolled primitives; no budget beyond the one page). The library, the CLI and
 * every model default to 'fast'; the environment variable UE_KEYS_VARIANT=small|fast changes that
 * default for the whole process (how the test suites run once per build), and every loader takes
 * `{ variant }` to choose per instance.
 */
import { InputError } from '../errors.js';
import { oneOf } from '../validate.js';

export type Variant = 'fast' | 'small';
export const VARIANTS: readonly Variant[] = ['fast', 'small'];
/** The build used when nothing names one (issue 12: the fast build for host computations). */
export const DEFAULT_VARIANT: Variant = 'fast';
/** The environment variable that sets the process-wide default. */
export const VARIANT_ENV = 'UE_KEYS_VARIANT';

/** Options every loader and model constructor accepts. */
export interface VariantOptions {
  /** 'fast' (default) or 'small'; see README "Two builds". */
  variant?: Variant;
}

let chosen: Variant | null = null;
/** Set (or with null clear) the process-wide default, above UE_KEYS_VARIANT: the CLI's global
 *  `--variant small|fast` flag. */
export function setDefaultVariant(v: Variant | null): void { chosen = v === null ? null : oneOf('variant', v, VARIANTS); }

/** The process-wide default: the CLI's --variant (setDefaultVariant), else UE_KEYS_VARIANT when set
 *  (checked: anything but fast|small is an InputError naming the variable), else 'fast'. Read at
 *  each call, so a test can set it. */
export function defaultVariant(): Variant {
  if (chosen !== null) return chosen;
  const env = typeof process === 'undefined' ? undefined : process.env?.[VARIANT_ENV];
  if (env === undefined || env === '') return DEFAULT_VARIANT;
  return oneOf(VARIANT_ENV, env, VARIANTS);
}

/** The variant of an options argument: `undefined` → the process default; anything else must be
 *  an object whose `variant` is absent or 'fast' | 'small' (InputError naming the field). */
export function variantOf(options: unknown, field = 'variant'): Variant {
  if (options === undefined) return defaultVariant();
  if (options === null || typeof options !== 'object') throw new InputError('options', 'must be an object', options);
  const v = (options as VariantOptions).variant;
  return v === undefined ? defaultVariant() : oneOf(field, v, VARIANTS);
}

/** The module file of build/ for a module of the given variant: ue → ue-fast, usim → usim-fast,
 *  ue-vectors → ue-vectors-fast for 'fast'; the name itself for 'small'. */
export function variantFile<N extends 'ue' | 'usim' | 'ue-vectors'>(name: N, variant: Variant = defaultVariant()): N | `${N}-fast` {
  return variant === 'fast' ? `${name}-fast` : name;
}
