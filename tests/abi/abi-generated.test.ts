// The host↔firmware contract (issue 11): host/firmware/abi.generated.ts is what tsc checks every
// wrapper against, so it must say what build/ue.wasm and build/usim.wasm really are. It is
// regenerated here in memory from the built modules (and the assembly/ layouts they do not export)
// and must equal the tracked file byte for byte — like the README ABI table test.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { abiTsText, ABI_TS_PATH } from '../../host/tools/abi-ts.js';
import { COUNT, SLOT, SLOT_OFF, STATUS, UE, UE_EXPORTS, USIM_EXPORTS } from '../../host/firmware/abi.generated.js';
import { NO_COUNT } from '../../host/types.js';
import { instantiateSync } from '../../host/firmware/loader.js';

describe('host/firmware/abi.generated.ts matches the built modules', () => {
  it('regenerating it from build/*.wasm and assembly/ gives the tracked file (run `npm run build` and commit it if not)', () => {
    expect(abiTsText()).toBe(readFileSync(ABI_TS_PATH, 'utf8'));
  });

  it("the host's one \"no COUNT\" value (host/types.ts NO_COUNT) is the firmware's COUNT_INVALID", () => {
    expect(NO_COUNT).toBe(COUNT.COUNT_INVALID);
  });

  it('lists exactly the functions each module exports, with their parameter counts', () => {
    for (const [name, names] of [['ue', UE_EXPORTS], ['usim', USIM_EXPORTS]] as const) {
      const m = new WebAssembly.Module(readFileSync(`build/${name}.wasm`));
      expect([...names], name).toEqual(WebAssembly.Module.exports(m).filter((e) => e.kind === 'function').map((e) => e.name));
    }
  });

  it('the slot layout read from assembly/ is the one ctx_read returns: a KAMF installed in NEW comes back at SLOT_OFF.KAMF', () => {
    const fw = instantiateSync('ue');
    const kamf = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
    const k = fw.begin().put(kamf);
    expect(fw.exports.ctx_install(SLOT.NEW, k, 5, 0x21, 2)).toBe(STATUS.OK);
    expect(fw.exports.ctx_read(SLOT.NEW)).toBe(STATUS.OK);
    const slot = fw.take(0, UE.CTX_SLOT_SIZE);
    expect([...slot.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32)]).toEqual([...kamf]);
    expect([slot[SLOT_OFF.TYPE], slot[SLOT_OFF.NGKSI], slot[SLOT_OFF.ALGS]]).toEqual([2, 5, 0x21]);
  });
});

describe('the host wrappers use the generated contract (issue 11: no literal ABI offset, no export called by string)', () => {
  const files = readdirSync('host/firmware').filter((f) => f.endsWith('.ts') && f !== 'abi.generated.ts' && f !== 'loader.ts');
  for (const f of files) {
    it(`host/firmware/${f}`, () => {
      const src = readFileSync(`host/firmware/${f}`, 'utf8');
      expect(src.match(/\.(call|tryCall)\('\w+'/g), 'an export called by its name as a string').toBeNull();
      expect(src.match(/\.raw\.\w+\(/g), 'a raw export called past the status check').toBeNull();
      expect(src.match(/\.take\([1-9]\d*\s*,/g), 'an IO_OUT offset written as a number').toBeNull();
      expect(src.match(/constant\('\w+'\)/g), 'a module constant looked up by name at run time').toBeNull();
    });
  }
});
