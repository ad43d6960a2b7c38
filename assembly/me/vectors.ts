// Conformance build of the ME module (build/ue-vectors.wasm): every export of build/ue.wasm plus
// the primitive-level test exports of abi/primitives.ts. Used by the vector tests only.
export * from "./index";
export * from "./abi/primitives";
