// Entry of the ME firmware module (build/ue.wasm). This file only gathers the ABI: the memory
// map's exported constants, status codes and the export files, layer by layer.
export * from "./memory";
export * from "../lib/status";
export * from "./abi/kdf";
export * from "./abi/derive";
export * from "./abi/aka";
export * from "./abi/nas_alg";
export * from "./abi/context";
export * from "./abi/mobility";
