// Inspect a module binary: imports, memory limits, whether any function can grow memory, and
// strict MVP validation with wabt (every post-MVP feature disabled).
import wabtInit from 'wabt';
import { readWasm } from '../../host/inspect/wasm.js';

export interface ModuleFacts { imports: number; memMin: number; memMax: number | null; growSites: number; mvpValid: boolean; mvpError?: string }

export async function inspect(bytes: Uint8Array): Promise<ModuleFacts> {
  const mod = new WebAssembly.Module(bytes);
  const memory = readWasm(bytes).memory;
  if (!memory) throw new Error('no memory section');
  const { min, max } = memory;
  const wabt = await wabtInit();
  const features = { bulk_memory: false, sign_extension: false, mutable_globals: false, sat_float_to_int: false, multi_value: false, reference_types: false, simd: false };
  let mvpValid = true, mvpError: string | undefined;
  let text = '';
  try {
    const m = wabt.readWasm(bytes, { readDebugNames: false, ...features });
    m.validate();
    text = m.toText({});
    m.destroy();
  } catch (e) { mvpValid = false; mvpError = (e as Error).message; }
  return { imports: WebAssembly.Module.imports(mod).length, memMin: min, memMax: max, growSites: (text.match(/memory\.grow/g) ?? []).length, mvpValid, mvpError };
}
