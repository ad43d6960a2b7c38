// Which of the two builds of one source is being compiled (issue 12). build/ue.wasm and
// build/usim.wasm are the small build (baseband / USIM budgets); build/ue-fast.wasm and
// build/usim-fast.wasm are compiled with `--use UE_KEYS_FAST=1` (host/tools/build.mjs) and swap in
// table-driven, unrolled implementations of the primitives (crypto/*-fast.ts). Both builds have
// the same exports, ABI and exported memory regions; only code and constant tables differ.
//
// FAST is a compile-time constant: every `if (FAST)` and `FAST ? … : …` is resolved by the
// compiler, so the small build contains neither the fast code nor its tables (a fast-only table is
// declared as `FAST ? memory.data(…) : NOT_BUILT`, which reserves nothing in the small build).

// @ts-ignore: UE_KEYS_FAST is defined on the asc command line or not at all
export const FAST: bool = isDefined(UE_KEYS_FAST);

/** The address a fast-only table has in the small build, where no code uses it. */
export const NOT_BUILT: usize = 0;
