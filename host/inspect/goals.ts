/**
 * The goals `ue-keys profile` reports as met or not (never enforced here), per build (issue 12):
 *  - small (build/ue.wasm, build/usim.wasm): the baseband / USIM size budgets, and the KDF must not
 *    regress from the 13,711 instructions it cost when the two builds were split;
 *  - fast (build/ue-fast.wasm, build/usim-fast.wasm): the instruction goals of issue 12's table; no
 *    size budget beyond the one page of memory (the static data must fit it, shown per module).
 * Operations are named by their OPERATIONS id (operations.ts).
 */
// the builds themselves are named once, in the loader's room (firmware/variant.ts)
import { VARIANTS, type Variant } from '../firmware/variant.js';
export { VARIANTS, type Variant };

/** Module roles: the ME firmware and the USIM module. */
export type Role = 'ue' | 'usim';

export const SIZE_GOALS: Record<Variant, Partial<Record<Role, number>>> = {
  small: { ue: 20 * 1024, usim: 8 * 1024 },
  fast: {},
};

export const OPERATION_GOALS: Record<Variant, Readonly<Record<string, number>>> = {
  small: { 'kdf.key_reused': 13_711 },
  fast: {
    'kdf.key_reused': 11_800,
    'mobility.registration': 80_000,
    'nea2.1500B': 130_000, 'nia2.1500B': 130_000,
    'nea1.1500B': 50_000, 'nia1.1500B': 80_000,
    'nea3.1500B': 50_000, 'nia3.1500B': 130_000,
    'milenage.f2345': 8_000,
    'tuak.f2345': 40_000,
  },
};
