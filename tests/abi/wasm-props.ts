// Inspect a module binary: imports, memory limits, whether any function can grow memory, and
// strict MVP validation with wabt (every post-MVP feature disabled).
import wabtInit from 'wabt';

export interface ModuleFacts { imports: number; memMin: number; memMax: number | null; growSites: number; mvpValid: boolean; mvpError?: string }

/** Memory limits from the binary's memory section (id 5) or an exported memory. */
function memoryLimits(bytes: Uint8Array): { min: number; max: number | null } {
  let p = 8;
  const leb = () => { let r = 0, shift = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
  while (p < bytes.length) {
    const id = bytes[p++]; const size = leb(); const end = p + size;
    if (id === 5) { leb(); const flags = leb(); const min = leb(); const max = flags & 1 ? leb() : null; return { min, max }; }
    p = end;
  }
  throw new Error('no memory section');
}

export async function inspect(bytes: Uint8Array): Promise<ModuleFacts> {
  const mod = new WebAssembly.Module(bytes);
  const { min, max } = memoryLimits(bytes);
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
