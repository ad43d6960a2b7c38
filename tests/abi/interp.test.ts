// The firmware outside V8: both builds (issue 12: build/ue.wasm, build/usim.wasm and their fast twins
// build/ue-fast.wasm, build/usim-fast.wasm, with ue-vectors / ue-vectors-fast) run in wabt's interpreter (npm
// `wabt`'s wasm-interp, the wabt interpreter itself, compiled to run under Node) with the official
// vectors of every algorithm (SHA-256, HMAC, KDF, 128-NEA/NIA 1/2/3, UEA2/UIA2, SNOW 3G/ZUC, AES-CMAC,
// MILENAGE, TUAK, a USIM AUTHENTICATE), through the documented ABI only, and the answers are
// compared with the same run under Node.
//
// wasm-interp calls zero-argument exports only, so each module is wrapped in a driver
// (host/tools/native/wrapper.ts): the firmware's code byte for byte plus appended functions that store
// the inputs at IO_IN, call the export and read IO_OUT. The cases are shared with the native test
// (host/tools/native/cases.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore: plain ESM shared with the node scripts of host/tools/native
import { allCases, FAMILIES, moduleConstants, outputMatches, runInNode } from '../../host/tools/native/cases.mjs';
import { answersFrom, buildDriver, parseInterpOutput, runDriverInNode } from '../../host/tools/native/wrapper.js';
import { readWasm, vectorHeader } from '../../host/inspect/wasm.js';
import { repoRoot } from '../helpers.js';
import { VARIANTS, variantFile, type Variant } from '../../host/firmware/variant.js';

type Mod = 'ue' | 'usim' | 'ue-vectors';
const MODULES: Mod[] = ['ue', 'usim', 'ue-vectors'];
const interpJs = join(repoRoot, 'node_modules', 'wabt', 'bin', 'wasm-interp');
const outDir = join(repoRoot, 'build', 'interp');

// one suite per build, the same cases (the builds share the ABI and memory map)
for (const variant of VARIANTS) suite(variant);

function suite(variant: Variant): void {
  const file = (m: Mod) => variantFile(m, variant);
  const bytes = { ue: readFileSync(join(repoRoot, 'build', `${file('ue')}.wasm`)), usim: readFileSync(join(repoRoot, 'build', `${file('usim')}.wasm`)), 'ue-vectors': readFileSync(join(repoRoot, 'build', `${file('ue-vectors')}.wasm`)) };
  const consts = { ue: moduleConstants(bytes.ue), usim: moduleConstants(bytes.usim), 'ue-vectors': moduleConstants(bytes['ue-vectors']) };

  // Every vector case, plus one rejected call per module so that a status other than 0 is seen to
  // travel through the interpreter too (an offset past IO_IN → STATUS_ERR_RANGE).
  const extra = [
    { name: 'rejected: hmac_sha256 key past IO_IN', module: 'ue', family: 'status path', steps: [{ inputs: [], call: 'hmac_sha256', args: [consts.ue.IO_IN_LEN, 32, 0, 4], status: consts.ue.STATUS_ERR_RANGE, outputs: [] }] },
    { name: 'rejected: milenage_f2345 RAND past IO_IN', module: 'usim', family: 'status path', steps: [{ inputs: [], call: 'milenage_f2345', args: [0, 16, consts.usim.IO_IN_LEN], status: consts.ue.STATUS_ERR_RANGE, outputs: [] }] },
  ];
  const cases: any[] = [...allCases(consts), ...extra];

  interface Run { cases: any[]; interp: any[]; node: any[]; values: { interp: Map<string, string>; v8: Map<string, string> }; wasm: Uint8Array<ArrayBuffer>; interpText: string }
  const runs = {} as Record<Mod, Run>;

  beforeAll(() => {
    mkdirSync(outDir, { recursive: true });
    for (const m of MODULES) {
      const cs = cases.filter((c) => c.module === m);
      const d = buildDriver(bytes[m], cs, { ioIn: consts[m].IO_IN_PTR, ioOut: consts[m].IO_OUT_PTR });
      const driver = join(outDir, `${file(m)}.driver.wasm`);
      writeFileSync(driver, d.wasm);
      const interpText = execFileSync(process.execPath, [interpJs, driver, '--run-all-exports'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const interp = parseInterpOutput(interpText);
      const v8 = runDriverInNode(d.wasm, d.exports);
      runs[m] = {
        cases: cs, wasm: d.wasm, interpText, values: { interp, v8 },
        interp: answersFrom(interp, cs, d.exports),
        node: runInNode(cs, bytes), // fresh instance of the untouched build/*.wasm per case
      };
    }
  }, 120_000);

  function check(answer: any, c: any): string | null {
    for (const [j, s] of c.steps.entries()) {
      const a = answer.steps[j];
      if (a.status !== s.status) return `step ${j} (${s.call}): status ${a.status}, expected ${s.status}`;
      for (const [k, o] of s.outputs.entries()) {
        if (!outputMatches(a.outputs[k], o)) return `step ${j} (${s.call}) output ${k}: ${Buffer.from(a.outputs[k]).toString('hex')}, expected ${o.hex}`;
      }
    }
    return null;
  }

  describe(`[${variant}] wabt interpreter runs the firmware with the official vectors (same answers as Node)`, () => {
    it('the driver keeps the firmware code byte for byte and is a valid wasm module', () => {
      for (const m of MODULES) {
        expect(WebAssembly.validate(runs[m].wasm)).toBe(true);
        // every function body of the firmware appears unchanged in the driver's code section
        const fw = Buffer.from(bytes[m]), drv = Buffer.from(runs[m].wasm);
        const code = readWasm(fw).sections.find((s) => s.id === 10)!;
        const bodies = fw.subarray(vectorHeader(fw, code).first, code.end);
        expect(drv.indexOf(bodies)).toBeGreaterThan(0);
      }
    });

    it('the interpreter answered every export (no trap, nothing missing)', () => {
      for (const m of MODULES) {
        const { interp, v8 } = runs[m].values;
        expect(interp.size).toBe(v8.size);
        const errors = [...interp].filter(([, v]) => v.startsWith('error'));
        expect(errors).toEqual([]);
      }
    });

    it('every algorithm family is covered', () => {
      const fams = new Set(cases.map((c) => c.family));
      for (const f of ['SHA-256', 'HMAC-SHA-256', 'KDF', 'NEA/NIA', 'UEA2/UIA2/keystream', 'AES-CMAC', 'MILENAGE', 'TUAK']) expect(fams.has(f)).toBe(true);
      const calls = new Set(cases.flatMap((c) => c.steps.map((s: any) => s.call)));
      for (const e of ['kdf', 'hmac_sha256', 'nas_mac', 'nas_cipher', 'milenage_f1', 'milenage_f2345', 'tuak_f1', 'tuak_f2345', 'derive_kausf', 'derive_kgnb', 'derive_kamf']) expect(calls.has(e)).toBe(true);
    });

    for (const [label] of [...FAMILIES, ['status path']] as Array<[string]>) {
      it(`${label}: wasm-interp = vectors = Node`, () => {
        const bad: string[] = [];
        let n = 0;
        for (const m of MODULES) {
          const r = runs[m];
          r.cases.forEach((c, i) => {
            if (c.family !== label) return;
            n++;
            const e1 = check(r.interp[i], c);
            if (e1) bad.push(`wasm-interp ${c.name}: ${e1}`);
            const e2 = check(r.node[i], c);
            if (e2) bad.push(`node ${c.name}: ${e2}`);
          });
        }
        expect(bad).toEqual([]);
        if (label !== 'SMC') expect(n).toBeGreaterThan(0);
      });
    }

    it('every value the interpreter printed equals the same driver run under Node (V8)', () => {
      for (const m of MODULES) {
        const { interp, v8 } = runs[m].values;
        const diff = [...v8].filter(([k, v]) => interp.get(k) !== v).slice(0, 5);
        expect(diff).toEqual([]);
      }
    });

    it('the comparison is not vacuous: a changed expected byte is caught', () => {
      const r = runs.ue, i = r.cases.findIndex((c) => c.family === 'KDF');
      const c = r.cases[i];
      const o = c.steps[0].outputs[0];
      const flipped = { ...c, steps: [{ ...c.steps[0], outputs: [{ ...o, hex: (o.hex[0] === '0' ? '1' : '0') + o.hex.slice(1) }] }] };
      expect(check(r.interp[i], c)).toBeNull();
      expect(check(r.interp[i], flipped)).not.toBeNull();
    });

    it.skipIf(!existsSync('/usr/bin/wasm-interp'))('Debian wabt wasm-interp (native build) gives the same values', () => {
      for (const m of MODULES) {
        const text = execFileSync('/usr/bin/wasm-interp', [join(outDir, `${file(m)}.driver.wasm`), '--run-all-exports'], { encoding: 'utf8', maxBuffer: 1 << 28 });
        const native = parseInterpOutput(text);
        const diff = [...runs[m].values.v8].filter(([k, v]) => native.get(k) !== v).slice(0, 5);
        expect(diff).toEqual([]);
      }
    });
  });
}
