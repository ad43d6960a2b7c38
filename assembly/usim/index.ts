// Entry of build/usim.wasm: the USIM (card) module. Everything it exports is declared in
// usim/abi.ts (functions, IO_OUT offsets) and usim/memory.ts (regions the host needs to know).
export * from './abi';
export { IO_IN_PTR, IO_IN_LEN, IO_OUT_PTR, IO_OUT_LEN, PERSIST_PTR, PERSIST_LEN } from './memory';
