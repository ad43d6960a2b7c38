// The `ue-keys milenage | tuak | usim` CLI contract (exact names, flags and JSON keys), spawned as
// `node build/cli.mjs`. Expected values come from TS 35.208 / TS 35.233 vectors and the node:crypto
// network side (host/reference/milenage.ts), never from the CLI itself.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAuthVector, resyncSqnMs, sqnBytes } from '../../host/reference/milenage.js';
import { tuakRef } from '../../host/reference/tuak.js';
import { hex, runCli as run, toHex, vectorCases } from '../helpers.js';

const json = (args: string[]) => {
  const r = run(args);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
};

const M = vectorCases('ts35208-milenage.json');
const T = vectorCases('ts35233-tuak.json');
const set1 = M[0];
const milenageWant = (v: any) => ({ opc: v.OPc, mac_a: v.f1, mac_s: v.f1star, res: v.f2, ck: v.f3, ik: v.f4, ak: v.f5, ak_star: v.f5star });
const tuakWant = (v: any) => ({ topc: v.TOPc, mac_a: v.f1, mac_s: v.f1star, res: v.f2, ck: v.f3, ik: v.f4, ak: v.f5, ak_star: v.f5star });
const tuakFlags = (v: any) => ['--k', v.K, '--rand', v.RAND, '--sqn', v.SQN, '--amf', v.AMF, '--iterations', String(v.keccak_iterations),
  '--mac-bits', String(v.lengths_bits.MAC), '--res-bits', String(v.lengths_bits.RES), '--ck-bits', String(v.lengths_bits.CK), '--ik-bits', String(v.lengths_bits.IK)];

describe('ue-keys milenage (TS 35.206)', () => {
  const flags = ['--k', set1.K, '--rand', set1.RAND, '--sqn', set1.SQN, '--amf', set1.AMF];
  it('TS 35.208 Test Set 1 with --op: exactly the keys opc, mac_a, mac_s, res, ck, ik, ak, ak_star', () => {
    const o = json(['milenage', ...flags, '--op', set1.OP]);
    expect(Object.keys(o)).toEqual(['opc', 'mac_a', 'mac_s', 'res', 'ck', 'ik', 'ak', 'ak_star']);
    expect(o).toEqual(milenageWant(set1));
  });
  it('TS 35.208 Test Set 1 with --opc', () => {
    expect(json(['milenage', ...flags, '--opc', set1.OPc])).toEqual(milenageWant(set1));
  });
});

describe('ue-keys tuak (TS 35.231)', () => {
  for (const v of [T[0], T[2], T[5]]) {
    it(`TS 35.233 Test Set ${v.test_set} (K ${v.lengths_bits.K}, MAC ${v.lengths_bits.MAC}, RES ${v.lengths_bits.RES}, ${v.keccak_iterations} iteration(s))`, () => {
      const o = json(['tuak', ...tuakFlags(v), '--top', v.TOP]);
      expect(Object.keys(o)).toEqual(['topc', 'mac_a', 'mac_s', 'res', 'ck', 'ik', 'ak', 'ak_star']);
      expect(o).toEqual(tuakWant(v));
      expect(json(['tuak', ...tuakFlags(v), '--topc', v.TOPc])).toEqual(tuakWant(v));
    });
  }
  it('defaults: 1 iteration, MAC 64, RES 64, CK/IK 128', () => {
    const v = T[0];
    const o = json(['tuak', '--k', v.K, '--top', v.TOP, '--rand', v.RAND, '--sqn', v.SQN, '--amf', v.AMF]);
    expect(o.topc).toBe(v.TOPc);
    // f1, f1* (MAC 64 as in the set) and f5* (INSTANCE 0xC0) do not depend on the RES length; f2–f5 do
    expect([o.mac_a, o.mac_s, o.ak_star]).toEqual([v.f1, v.f1star, v.f5star]);
    expect([o.res.length, o.ck.length, o.ik.length]).toEqual([16, 32, 32]);
  });
});

describe('ue-keys batch: milenage and tuak ops', () => {
  it('every TS 35.208 set (OP under "op_value", or "opc") and the TS 35.233 sets, in order', () => {
    const io = (v: any) => ({ k: v.K, rand: v.RAND, sqn: v.SQN, amf: v.AMF });
    const lines = [
      ...M.map((v: any) => JSON.stringify({ op: 'milenage', ...io(v), op_value: v.OP })),
      ...M.map((v: any) => JSON.stringify({ op: 'milenage', ...io(v), opc: v.OPc })),
      ...T.map((v: any) => JSON.stringify({ op: 'tuak', ...io(v), top: v.TOP, iterations: v.keccak_iterations, mac_bits: v.lengths_bits.MAC,
        res_bits: v.lengths_bits.RES, ck_bits: v.lengths_bits.CK, ik_bits: v.lengths_bits.IK })),
      JSON.stringify({ op: 'milenage', ...io(set1) }),
      JSON.stringify({ op: 'milenage', ...io(set1), opc: set1.OPc, k: set1.K.slice(2) }),
      JSON.stringify({ op: 'tuak', ...io(T[0]), topc: T[0].TOPc, mac_bits: 96 }),
    ];
    const r = run(['batch'], lines.join('\n') + '\n');
    expect(r.code).toBe(0);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(2 * M.length + T.length + 3);
    M.forEach((v: any, i: number) => { expect(out[i]).toEqual(milenageWant(v)); expect(out[M.length + i]).toEqual(milenageWant(v)); });
    T.forEach((v: any, i: number) => expect(out[2 * M.length + i]).toEqual(tuakWant(v)));
    const [neither, shortK, badMac] = out.slice(-3);
    expect(neither.error).toContain('op_value|opc');
    expect(shortK.error).toBe('--k must be 16 bytes, got 15');
    expect(badMac.error).toContain('--mac-bits');
  });
});

describe('ue-keys usim init | show | authenticate (image under os.tmpdir())', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ue-keys-usim-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const K = hex(set1.K), OPC = hex(set1.OPc), SUPI = '001010000000001';
  const AMF = hex('8000');
  /** Network side (node:crypto AuC): AUTN for SQN = SEQ ‖ IND (5 IND bits). */
  const av = (seq: number, ind = 0) => generateAuthVector(K, OPC, hex('00112233445566778899aabbccddee' + (seq % 256).toString(16).padStart(2, '0')), sqnBytes((BigInt(seq) << 5n) | BigInt(ind)), AMF);

  it('init creates the image; show prints decoded files and never K or OPc', () => {
    const img = join(dir, 'a.img');
    const r = run(['usim', 'init', img, '--supi', SUPI, '--k', set1.K, '--opc', set1.OPc]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(SUPI);
    const v = json(['usim', 'show', img, '--json']);
    expect(v).toMatchObject({ supi: SUPI, algorithm: { name: 'milenage', kBits: 128 }, sqn: { indBits: 5, sqnMs: '000000000000' }, cardState: { bytes: 384 } });
    const imsi = v.files.find((f: any) => f.fid === '6F07');
    expect(imsi).toMatchObject({ name: 'EF IMSI', hex: '080910100000000010', fields: { supi: SUPI } });
    expect(v.files.find((f: any) => f.fid === '4F05').fields).toMatchObject({ valid: false });
    const text = run(['usim', 'show', img]);
    expect(text.code).toBe(0);
    for (const s of ['EF 5GS3GPPNSC', 'EF 5GAUTHKEYS', 'EF 5GS3GPPLOCI', 'SQN_MS', SUPI]) expect(text.out).toContain(s);
    for (const secret of [set1.K, set1.OPc]) {
      expect(text.out.toLowerCase()).not.toContain(secret);
      expect(JSON.stringify(v)).not.toContain(secret);
    }
  });

  it('init refuses to overwrite an existing image unless --force', () => {
    const img = join(dir, 'b.img');
    expect(run(['usim', 'init', img, '--supi', SUPI, '--k', set1.K, '--opc', set1.OPc]).code).toBe(0);
    const before = readFileSync(img);
    const r = run(['usim', 'init', img, '--supi', '001010000000002', '--k', set1.K, '--opc', set1.OPc]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ue-keys: image .* already exists/);
    expect(readFileSync(img).equals(before)).toBe(true);
    expect(run(['usim', 'init', img, '--supi', '001010000000002', '--k', set1.K, '--opc', set1.OPc, '--force']).code).toBe(0);
    expect(json(['usim', 'show', img, '--json']).supi).toBe('001010000000002');
  });

  it('authenticate: RES/CK/IK; the SQN persists across runs (replay → sync failure with AUTS); MAC failure', () => {
    const img = join(dir, 'c.img');
    expect(run(['usim', 'init', img, '--supi', SUPI, '--k', set1.K, '--opc', set1.OPc]).code).toBe(0);
    const v1 = av(5, 3);
    const ok = json(['usim', 'authenticate', img, '--rand', toHex(v1.rand), '--autn', toHex(v1.autn), '--json']);
    expect(ok).toEqual({ result: 'ok', res: toHex(v1.xres), ck: toHex(v1.ck), ik: toHex(v1.ik) });
    expect(json(['usim', 'show', img, '--json']).sqn.sqnMs).toBe(toHex(sqnBytes((5n << 5n) | 3n)));
    // a new process: the replayed AUTN is refused
    const sync = json(['usim', 'authenticate', img, '--rand', toHex(v1.rand), '--autn', toHex(v1.autn), '--json']);
    expect(sync.result).toBe('sync-failure');
    expect(toHex(resyncSqnMs(K, OPC, v1.rand, hex(sync.auts))!)).toBe(toHex(sqnBytes((5n << 5n) | 3n)));
    // MAC failure: nothing changes
    const bad = av(6, 4); bad.autn[15] ^= 1;
    expect(json(['usim', 'authenticate', img, '--rand', toHex(bad.rand), '--autn', toHex(bad.autn), '--json'])).toEqual({ result: 'mac-failure' });
    const text = run(['usim', 'authenticate', img, '--rand', toHex(av(7, 0).rand), '--autn', toHex(av(7, 0).autn)]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^result\s+ok$/m);
    expect(text.out).toContain(toHex(av(7, 0).xres));
  });

  it('a TUAK image (TOPc, 256-bit K) authenticates with the TUAK AuC of the network', () => {
    const v = T[1]; // K 256, MAC 128, RES 64
    const img = join(dir, 't.img');
    const init = json(['usim', 'init', img, '--supi', SUPI, '--algo', 'tuak', '--k', v.K, '--opc', v.TOPc, '--mac-bits', '128', '--json']);
    expect(init.algorithm).toMatchObject({ name: 'tuak', kBits: 256, macBits: 128, iterations: 1 });
    // AuC: the network's own TUAK (host/network/udm.ts, checked against TS 35.233 in aka.test.ts)
    const sqn = hex('000000000021'), amf = hex('8000');
    const o = tuakRef(hex(v.K), hex(v.TOPc), hex(v.RAND), sqn, amf, { macBits: 128 });
    const autn = toHex(sqn.map((b, i) => b ^ o.ak[i])) + toHex(amf) + toHex(o.macA);
    expect(json(['usim', 'authenticate', img, '--rand', v.RAND, '--autn', autn, '--json'])).toEqual({ result: 'ok', res: toHex(o.res), ck: toHex(o.ck), ik: toHex(o.ik) });
    const r = run(['usim', 'authenticate', img, '--rand', v.RAND, '--autn', autn.slice(0, 32)]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('ue-keys: --autn must be 24 bytes, got 16');
  });

  it('help names every subcommand and the batch key op_value', () => {
    const u = run(['usim', '--help']);
    expect(u.code).toBe(0);
    for (const s of ['usim init IMAGE --supi IMSI --k HEX', 'usim show IMAGE', 'usim authenticate IMAGE --rand HEX --autn HEX']) expect(u.out).toContain(s);
    expect(run(['milenage', '--help']).out).toContain('"op_value"');
  });

  describe('bad input → one line naming the field on stderr, exit 2', () => {
    const img = join(dir, 'e.img');
    writeFileSync(join(dir, 'not-an-image'), 'hello');
    const mflags = ['--rand', set1.RAND, '--sqn', set1.SQN, '--amf', set1.AMF];
    const t = T[0];
    const bad: Array<[string[], string]> = [
      [['milenage', '--k', set1.K.slice(2), '--opc', set1.OPc, ...mflags], '--k must be 16 bytes, got 15'],
      [['milenage', '--k', set1.K, '--op', set1.OP, '--opc', set1.OPc, ...mflags], '--op|--opc'],
      [['milenage', '--k', set1.K, ...mflags], '--op|--opc'],
      [['milenage', '--k', set1.K, '--opc', set1.OPc, '--rand', set1.RAND, '--sqn', set1.SQN], '--amf'],
      [['milenage', '--k', set1.K, '--opc', set1.OPc, '--rand', 'xyz', '--sqn', set1.SQN, '--amf', set1.AMF], '--rand'],
      [['tuak', '--k', t.K.slice(2), '--top', t.TOP, '--rand', t.RAND, '--sqn', t.SQN, '--amf', t.AMF], '--k must be 16 or 32 bytes, got 15'],
      [['tuak', '--k', t.K, '--top', t.TOP, '--rand', t.RAND, '--sqn', t.SQN, '--amf', t.AMF, '--mac-bits', '96'], '--mac-bits'],
      [['tuak', '--k', t.K, '--top', t.TOP, '--rand', t.RAND, '--sqn', t.SQN, '--amf', t.AMF, '--iterations', '0'], '--iterations'],
      [['usim', 'init', img, '--supi', '12345', '--k', set1.K, '--opc', set1.OPc], '--supi'],
      [['usim', 'init', img, '--supi', SUPI, '--k', set1.K.slice(2), '--opc', set1.OPc], '--k must be 16 bytes, got 15'],
      [['usim', 'init', img, '--supi', SUPI, '--k', set1.K, '--opc', set1.OPc, '--iterations', '2'], '--iterations'],
      [['usim', 'init', img, '--supi', SUPI, '--algo', 'tuak', '--k', set1.K, '--opc', set1.OPc], '--opc must be 32 bytes, got 16'],
      [['usim', 'init', '--supi', SUPI, '--k', set1.K, '--opc', set1.OPc], 'IMAGE'],
      [['usim', 'format', img], 'SUBCOMMAND'],
      [['usim', 'show', join(dir, 'missing.img')], 'does not exist'],
      [['usim', 'show', join(dir, 'not-an-image')], 'is not a USIM image'],
      [['usim', 'authenticate', join(dir, 'missing.img'), '--rand', set1.RAND, '--autn', '00'.repeat(16)], 'does not exist'],
    ];
    for (const [args, text] of bad) {
      it(`${args.slice(0, 2).join(' ')} … → ${text}`, () => {
        const r = run(args);
        expect(r.code).toBe(2);
        expect(r.out).toBe('');
        const lines = r.err.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(text);
        expect(r.err).not.toMatch(/\bat .*\.(m?js|ts):\d+/);
      });
    }
  });
});
