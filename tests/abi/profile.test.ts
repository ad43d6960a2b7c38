// The profiling build and `ue-keys profile`: the instruction counts are deterministic and sane, the
// instrumented module keeps the firmware's properties (no imports, one page, MVP) and computes
// exactly what the release module computes.
import { describe, expect, it } from 'vitest';
import { instantiateSync, wasmBytes } from '../../host/firmware/loader.js';
import { meterModule } from '../../host/inspect/meter.js';
import { OPERATIONS } from '../../host/inspect/operations.js';
import { countOperation, MODULE_FILES, MODULES, profile, renderText, stableJson, VARIANTS } from '../../host/inspect/profile.js';
import { analyseBody, funcType, readWasm } from '../../host/inspect/wasm.js';
import { inspect } from './wasm-props.js';

const op = (id: string) => {
  const o = OPERATIONS.find((x) => x.id === id);
  if (!o) throw new Error(`no operation ${id}`);
  return o;
};

describe('instrumented (instruction-counting) build', () => {
  for (const m of VARIANTS.flatMap((v) => MODULES.map((r) => MODULE_FILES[v][r]))) {
    it(`${m}: no imports, one page (initial = maximum = 1), MVP-valid, no memory.grow, counter exports`, async () => {
      const { wasm } = meterModule(wasmBytes(m));
      const facts = await inspect(wasm);
      expect(facts.imports).toBe(0);
      expect([facts.memMin, facts.memMax]).toEqual([1, 1]);
      expect(facts.mvpValid, facts.mvpError).toBe(true);
      expect(facts.growSites).toBe(0);
      const names = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
      for (const e of ['__icount', '__icount_reset', '__icount_fn', 'memory']) expect(names).toContain(e);
      // every export of the firmware is still there
      const orig = WebAssembly.Module.exports(new WebAssembly.Module(wasmBytes(m))).map((e) => e.name);
      for (const e of orig) expect(names).toContain(e);
    });
  }

  for (const v of VARIANTS) {
    it(`${v} build: computes exactly what the release module computes (whole memory compared after every operation)`, () => {
      for (const o of OPERATIONS) {
        const counted = countOperation(o, v);
        const plain = instantiateSync(MODULE_FILES[v][o.module]);
        o.setup?.(plain);
        o.run(plain);
        expect(Buffer.compare(Buffer.from(counted.fw.snapshot()), Buffer.from(plain.snapshot())), o.id).toBe(0);
      }
    });
  }
});

describe('instruction counts', () => {
  it('are identical on two runs, and the per-function counts add up to the total', () => {
    for (const o of OPERATIONS) {
      const a = countOperation(o), b = countOperation(o);
      expect(b.instructions, o.id).toBe(a.instructions);
      expect([...b.perFunction], o.id).toEqual([...a.perFunction]);
      expect([...a.perFunction.values()].reduce((s, x) => s + x, 0), o.id).toBe(a.instructions);
    }
  });

  it('fall in sane bounds', () => {
    const c = (id: string) => countOperation(op(id)).instructions;
    const reused = c('kdf.key_reused'), fresh = c('kdf.new_key');
    // two SHA-256 compressions can not cost less than ~2 × 3,000 opcodes nor should cost 2 × 20,000
    expect(reused).toBeGreaterThan(6_000);
    expect(reused).toBeLessThan(40_000);
    // the module forgets the HMAC key context before every call returns (issue 17), so a reused key
    // goes through the caller-owned key context (kdf fc 0x100 | FC): its pads come from the caller,
    // saving the two pad compressions (each > 3,000 instructions) a new key pays
    expect(reused).toBeLessThan(fresh - 6_000);
    // within one call the pads are computed once: the NAS key pair is two KDFs on one key, the
    // second without the key setup (two compressions, > 6,000 instructions, saved)
    expect(c('derive.nas_keys')).toBeGreaterThan(fresh);
    expect(c('derive.nas_keys')).toBeLessThan(2 * fresh - 6_000);
    for (const a of [1, 2, 3]) for (const k of ['nia', 'nea']) {
      const small = c(`${k}${a}.64B`), big = c(`${k}${a}.1500B`);
      expect(small).toBeGreaterThan(1_000);
      expect(big).toBeGreaterThan(3 * small);
      expect(big).toBeLessThan(60 * small); // linear in the length, plus a fixed setup
    }
    expect(c('milenage.f2345')).toBeGreaterThan(c('milenage.f1'));
    for (const id of ['milenage.f1', 'milenage.f2345', 'tuak.f1', 'tuak.f2345']) expect(c(id)).toBeGreaterThan(1_000);
  });

  it('every operation names a unique id and only calls exports of its module', () => {
    expect(new Set(OPERATIONS.map((o) => o.id)).size).toBe(OPERATIONS.length);
    for (const o of OPERATIONS) {
      const r = countOperation(o);
      const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(wasmBytes(o.module))).map((e) => e.name));
      expect(r.exports.length, o.id).toBeGreaterThan(0);
      for (const e of r.exports) expect(exported.has(e), `${o.id}: ${e}`).toBe(true);
    }
  });
});

describe('static facts', () => {
  it('every function body decodes; the static stack walk ends balanced (both builds)', () => {
    for (const m of VARIANTS.flatMap((v) => MODULES.map((r) => MODULE_FILES[v][r]))) {
      const b = wasmBytes(m), info = readWasm(b);
      expect(info.memory).toEqual({ min: 1, max: 1 });
      for (const body of info.bodies) {
        const f = analyseBody(b, body, info);
        expect(f.instructions).toBeGreaterThan(0);
        // every function of a validated module ends with exactly its results on the stack; an
        // opcode with a wrong stack effect in the walk would leave too many or too few
        expect(f.balanced, `${m} function ${body.index}`).toBe(true);
        expect(f.maxStack).toBeGreaterThanOrEqual(funcType(info, body.index).results.length);
      }
    }
  });

  // The check above can fail: hand-made bodies (type () → i32) that leave two values, none, or
  // end after an unconditional branch (polymorphic stack, balanced).
  const oneFunction = (code: number[]) => {
    const body = [0x00, ...code]; // no locals
    const sec = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
    return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...sec(1, [1, 0x60, 0, 1, 0x7f]), ...sec(3, [1, 0]), ...sec(10, [1, body.length, ...body])]);
  };
  for (const [name, code, balanced] of [
    ['i32.const 1; end', [0x41, 1, 0x0b], true],
    ['i32.const 1; i32.const 2; end (one value too many)', [0x41, 1, 0x41, 2, 0x0b], false],
    ['nop; end (no result)', [0x01, 0x0b], false],
    ['i32.const 1; i32.const 2; i32.add; end', [0x41, 1, 0x41, 2, 0x6a, 0x0b], true],
    ['block; i32.const 1; drop; end; i32.const 7; end', [0x02, 0x40, 0x41, 1, 0x1a, 0x0b, 0x41, 7, 0x0b], true],
    ['unreachable; end (polymorphic)', [0x00, 0x0b], true],
  ] as Array<[string, number[], boolean]>) {
    it(`the walk reports ${balanced ? 'balanced' : 'unbalanced'}: ${name}`, () => {
      const b = oneFunction(code), info = readWasm(b);
      expect(analyseBody(b, info.bodies[0], info).balanced).toBe(balanced);
    });
  }
});

describe.each(VARIANTS)('ue-keys profile report, %s build', (v) => {
  const r = profile(v);
  it('reports sizes, memory, stack and every operation', () => {
    for (const m of MODULES) {
      const x = r.modules[m];
      expect(x.file).toBe(`build/${MODULE_FILES[v][m]}.wasm`);
      expect(x.bytes).toBe(wasmBytes(MODULE_FILES[v][m]).length);
      expect(Object.values(x.sections).reduce((s, v) => s + v, 0)).toBe(x.bytes);
      expect(x.functions.top.length).toBeGreaterThan(0);
      expect(x.functions.top.length).toBeLessThanOrEqual(20);
      expect(x.memory.free).toBe(65536 - x.memory.staticEnd);
      expect(x.memory.blocks.some((bl) => bl.name === 'IO_IN' && bl.kind === 'region')).toBe(true);
      expect(x.stack.deepest.depth).toBeGreaterThan(0);
      expect(x.stack.deepest.recursive).toBe(false);
      expect(x.instrumented.imports).toBe(0);
    }
    expect(Object.keys(r.operations)).toEqual(OPERATIONS.map((o) => o.id));
    expect(r.operations[r.deepestOperation]).toBeDefined();
    expect(renderText(r, v)).toContain('kdf.key_reused');
  });

  // Issue 12: the fast build's goal table; the small build keeps the 20 KiB / 8 KiB budgets and a
  // KDF that does not regress from 13,711 instructions. Figures copied from the issue text.
  it('reports the goals of issue 12 for this build, met exactly when the count is within the limit', () => {
    const want: Record<string, number> = v === 'fast'
      ? { 'kdf.key_reused': 11_800, 'mobility.registration': 80_000, 'nea2.1500B': 130_000, 'nia2.1500B': 130_000, 'nea1.1500B': 50_000,
        'nia1.1500B': 80_000, 'nea3.1500B': 50_000, 'nia3.1500B': 130_000, 'milenage.f2345': 8_000, 'tuak.f2345': 40_000 }
      : { 'kdf.key_reused': 13_711 };
    const got = Object.fromEntries(Object.entries(r.operations).filter(([, o]) => o.goal).map(([id, o]) => [id, o.goal!.limit]));
    expect(got).toEqual(want);
    for (const o of Object.values(r.operations)) if (o.goal) expect(o.goal.met).toBe(o.instructions <= o.goal.limit);
    if (v === 'small') {
      expect(r.modules.ue.goal).toEqual({ limit: 20_480, met: r.modules.ue.bytes <= 20_480 });
      expect(r.modules.usim.goal).toEqual({ limit: 8_192, met: r.modules.usim.bytes <= 8_192 });
    } else {
      for (const m of MODULES) expect(r.modules[m].goal).toBeUndefined();
    }
  });

  it('--json is stable: keys sorted at every level, the same text for the same numbers', () => {
    const text = stableJson(r);
    const check = (v: any): void => {
      if (Array.isArray(v)) { v.forEach(check); return; }
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        expect(keys).toEqual([...keys].sort());
        keys.forEach((k) => check(v[k]));
      }
    };
    check(JSON.parse(text));
    expect(stableJson(JSON.parse(text))).toBe(text);
  });
});
