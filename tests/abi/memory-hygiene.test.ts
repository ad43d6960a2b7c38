// Issue 17, "Nothing secret stays in module memory after a call returns": after every public API
// call — accepted, refused by the host's input checks after a key was already in the mailbox, or
// refused by the firmware — the 64 KiB memory image (load().memoryImage(), the emulator/forensics
// view) holds no input or output key of that call, nor any 8 consecutive bytes of one. The keys
// are seeded pseudo-random bytes (SHA-256 of a label, node:crypto), so a chance match with a
// constant table or a zero run is negligible (8-byte windows: 2^-64 per position).
import { describe, expect, it } from 'vitest';
import { UE_FILE } from '../helpers.js';
import { createHash } from 'node:crypto';
import { load, loadSync } from '../../host/index.js';
import { instantiateSync, type Firmware } from '../../host/firmware/loader.js';
import { nasCipher, nasMac } from '../../host/firmware/nas-algorithms.js';
import { UsimModule } from '../../host/firmware/usim-module.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { reference } from '../../host/index.js';
import { generateAuthVector, milenageOpc, milenageRef, sqnBytes } from '../../host/reference/milenage.js';

/** `n` seeded pseudo-random bytes for `label` (SHA-256 counter mode; node:crypto, not the module). */
function seeded(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++) out.set(createHash('sha256').update(`${label}/${i}`).digest().subarray(0, Math.min(32, n - i * 32)), i * 32);
  return out;
}

/** Where in `image` any 8-byte window of any of `secrets` occurs (−1: nowhere). Secrets shorter
 *  than 8 bytes are searched whole. */
function firstHit(image: Uint8Array, secrets: Record<string, Uint8Array>, from = 0, to = image.length): { name: string; at: number } | null {
  const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength).subarray(from, to);
  for (const [name, s] of Object.entries(secrets)) {
    if (s.length === 0) continue;
    const w = Math.min(8, s.length);
    for (let i = 0; i + w <= s.length; i++) {
      const at = buf.indexOf(Buffer.from(s.subarray(i, i + w)));
      if (at >= 0) return { name: `${name}[${i}..${i + w})`, at: from + at };
    }
  }
  return null;
}

function expectClean(image: Uint8Array, secrets: Record<string, Uint8Array>, what: string): void {
  const hit = firstHit(image, secrets);
  expect(hit, `${what}: ${hit?.name} found at 0x${hit?.at.toString(16)}`).toBeNull();
}

/** The region [ptr, ptr+len) of a module, by its exported *_PTR / *_LEN globals. */
function region(fw: Firmware, name: string): [number, number] {
  const p = fw.constant(`${name}_PTR`);
  return [p, p + fw.constant(`${name}_LEN`)];
}

const K32 = (l: string) => seeded(l, 32);
const K16 = (l: string) => seeded(l, 16);
const SNN = '5G:mnc093.mcc208.3gppnetwork.org';

/** One case per public KDF method: its call, the secrets it takes and returns, and calls that are
 *  refused after the key was already copied into the mailbox (host check) or by the firmware. */
type Api = ReturnType<typeof loadSync>;
interface Case { name: string; run(api: Api): Record<string, Uint8Array>; inputs: Record<string, Uint8Array>; refused: Array<(api: Api) => unknown> }

function cases(): Case[] {
  const ck = K16('ck'), ik = K16('ik'), kausf = K32('kausf'), kseaf = K32('kseaf'), kamf = K32('kamf'), kasme = K32('kasme');
  const key = K32('key'), nh = K32('nh'), sync = K32('sync'), kenb = K32('kenb'), res = K16('res'), resStar = K16('resStar');
  const rand = seeded('rand', 16), sqnXorAk = seeded('sqnXorAk', 6), hmacKey = seeded('hmacKey', 100), kdfKey = seeded('kdfKey', 45);
  const one = (o: Uint8Array) => ({ out: o });
  return [
    { name: 'hmacSha256', inputs: { hmacKey }, run: (a) => one(a.hmacSha256(hmacKey, seeded('msg', 50))),
      refused: [(a) => a.hmacSha256(hmacKey, 'x' as any)] },
    { name: 'kdf', inputs: { kdfKey }, run: (a) => one(a.kdf(kdfKey, 0x6c, [new TextEncoder().encode(SNN)])),
      refused: [(a) => a.kdf(kdfKey, 0x6c, [new Uint8Array(70000)]), (a) => a.kdf(kdfKey, 256, [])] },
    { name: 'kausf', inputs: { ck, ik }, run: (a) => one(a.kausf({ ck, ik, snn: SNN, sqnXorAk })),
      refused: [(a) => a.kausf({ ck, ik, snn: SNN, sqnXorAk: new Uint8Array(5) }), (a) => a.kausf({ ck, ik, snn: '', sqnXorAk })] },
    { name: 'ckIkPrime', inputs: { ck, ik }, run: (a) => { const r = a.ckIkPrime({ ck, ik, snn: SNN, sqnXorAk }); return { ckPrime: r.ckPrime, ikPrime: r.ikPrime }; },
      refused: [(a) => a.ckIkPrime({ ck, ik, snn: SNN, sqnXorAk: new Uint8Array(7) })] },
    { name: 'resStar', inputs: { ck, ik, res }, run: (a) => one(a.resStar({ ck, ik, snn: SNN, rand, res })),
      refused: [(a) => a.resStar({ ck, ik, snn: SNN, rand, res: new Uint8Array(3) })] },
    { name: 'hresStar', inputs: { resStar }, run: (a) => one(a.hresStar({ rand, resStar })),
      refused: [(a) => a.hresStar({ rand: new Uint8Array(15), resStar }), (a) => a.hresStar({ rand, resStar: resStar.subarray(1) })] },
    { name: 'kseaf', inputs: { kausf }, run: (a) => one(a.kseaf({ kausf, snn: SNN })),
      refused: [(a) => a.kseaf({ kausf, snn: '' })] },
    { name: 'kamf', inputs: { kseaf }, run: (a) => one(a.kamf({ kseaf, supi: 'imsi-208930000000001', abba: Uint8Array.of(0, 0) })),
      refused: [(a) => a.kamf({ kseaf, supi: '208930000000001', abba: Uint8Array.of(0) }), (a) => a.kamf({ kseaf, supi: '', abba: Uint8Array.of(0, 0) })] },
    { name: 'algKey', inputs: { key }, run: (a) => one(a.algKey({ key, distinguisher: 2, algId: 2 })),
      refused: [(a) => a.algKey({ key, distinguisher: 7, algId: 2 })] },
    { name: 'nasKeys', inputs: { kamf }, run: (a) => { const r = a.nasKeys({ kamf, nea: 2, nia: 2 }); return { knasenc: r.knasenc, knasint: r.knasint }; },
      refused: [(a) => a.nasKeys({ kamf, nea: 2, nia: 16 })] },
    { name: 'kgnb', inputs: { kamf }, run: (a) => one(a.kgnb({ kamf, ulCount: 5, access: 'non3gpp' })),
      refused: [(a) => a.kgnb({ kamf, ulCount: -1 })] },
    { name: 'nh', inputs: { kamf, sync }, run: (a) => one(a.nh({ kamf, sync })),
      refused: [(a) => a.nh({ kamf, sync: sync.subarray(1) })] },
    { name: 'kngRanStar', inputs: { key }, run: (a) => one(a.kngRanStar({ key, pci: 7, arfcnDl: 620000 })),
      refused: [(a) => a.kngRanStar({ key, pci: 1008, arfcnDl: 1 })] },
    { name: 'kamfPrime', inputs: { kamf }, run: (a) => one(a.kamfPrime({ kamf, direction: 1, count: 9 })),
      refused: [(a) => a.kamfPrime({ kamf, direction: 2, count: 9 })] },
    { name: 'kasmePrime', inputs: { kamf }, run: (a) => one(a.kasmePrime({ kamf, mode: 'ho', count: 9 })),
      refused: [(a) => a.kasmePrime({ kamf, mode: 'x' as any, count: 9 })] },
    { name: 'kamfFromKasmeIdle', inputs: { kasme }, run: (a) => one(a.kamfFromKasmeIdle({ kasme, ulCount: 3 })),
      refused: [(a) => a.kamfFromKasmeIdle({ kasme, ulCount: 2 ** 32 })] },
    { name: 'kamfFromKasmeHo', inputs: { kasme, nh }, run: (a) => one(a.kamfFromKasmeHo({ kasme, nh })),
      refused: [(a) => a.kamfFromKasmeHo({ kasme, nh: nh.subarray(2) })] },
    { name: 'ksn', inputs: { key }, run: (a) => one(a.ksn({ key, snCounter: 4 })),
      refused: [(a) => a.ksn({ key, snCounter: 0x10000 })] },
    { name: 'kasmeSrvcc', inputs: { kamf }, run: (a) => one(a.kasmeSrvcc({ kamf, dlCount: 12 })),
      refused: [(a) => a.kasmeSrvcc({ kamf, dlCount: 1.5 })] },
    { name: 'kasme', inputs: { ck, ik }, run: (a) => one(a.kasme({ ck, ik, snId: Uint8Array.of(0x02, 0xf8, 0x39), sqnXorAk })),
      refused: [(a) => a.kasme({ ck, ik, snId: Uint8Array.of(2), sqnXorAk })] },
    { name: 'kenb', inputs: { kasme }, run: (a) => one(a.kenb({ kasme, ulCount: 3 })),
      refused: [(a) => a.kenb({ kasme, ulCount: -3 })] },
    { name: 'nhEps', inputs: { kasme, sync }, run: (a) => one(a.nhEps({ kasme, sync })),
      refused: [(a) => a.nhEps({ kasme, sync: new Uint8Array(3) })] },
    { name: 'kenbStar', inputs: { key }, run: (a) => one(a.kenbStar({ key, pci: 5, earfcnDl: 1000 })),
      refused: [(a) => a.kenbStar({ key, pci: 504, earfcnDl: 1000 })] },
    { name: 'epsAlgKey', inputs: { key }, run: (a) => one(a.epsAlgKey({ key, distinguisher: 1, algId: 2 })),
      refused: [(a) => a.epsAlgKey({ key, distinguisher: 0, algId: 2 })] },
    { name: 'ckIkSrvcc', inputs: { kasme }, run: (a) => { const r = a.ckIkSrvcc({ kasme, dlCount: 4 }); return { ck: r.ck, ik: r.ik }; },
      refused: [(a) => a.ckIkSrvcc({ kasme, dlCount: 2 ** 33 })] },
    { name: 'sKgnb', inputs: { kenb }, run: (a) => one(a.sKgnb({ kenb, scgCounter: 2 })),
      refused: [(a) => a.sKgnb({ kenb, scgCounter: 0x10000 })] },
  ];
}

describe('memoryImage(): the 64 KiB page as an emulator snapshot sees it', () => {
  it('is a copy of the whole page: 65,536 bytes, detached from the module', async () => {
    const api = await load();
    const a = api.memoryImage();
    expect(a.length).toBe(65536);
    a.fill(0xaa);
    expect(api.memoryImage().some((b) => b !== 0xaa)).toBe(true);
    expect(loadSync().memoryImage().length).toBe(65536);
  });
  it('still works when destructured, like every method', () => {
    const { memoryImage, kdf } = loadSync();
    const out = kdf(K32('d'), 0x6c, [Uint8Array.of(1)]);
    expect(out.length).toBe(32);
    expect(firstHit(memoryImage(), { key: K32('d'), out })).toBeNull();
  });
});

describe('no key bytes in module memory after any key-derivation call (issue 17)', () => {
  for (const c of cases()) {
    it(`${c.name}: inputs and outputs absent after an accepted call and after refused calls`, () => {
      const api = loadSync();
      const outputs = c.run(api);
      // a call that returned zeros would make the scan vacuous
      for (const o of Object.values(outputs)) expect(o.some((b) => b !== 0)).toBe(true);
      expectClean(api.memoryImage(), { ...c.inputs, ...outputs }, `${c.name} accepted`);
      for (const [i, bad] of c.refused.entries()) {
        expect(() => bad(api), `${c.name} refused #${i}`).toThrow();
        expectClean(api.memoryImage(), { ...c.inputs, ...outputs }, `${c.name} refused #${i}`);
      }
    });
  }

  it('the issue\'s sequence: kamf() then nasKeys(), then a refused kamf(): no KSEAF, KAMF, KNASenc, KNASint anywhere', () => {
    const api = loadSync();
    const kseaf = K32('issue-kseaf');
    const kamf = api.kamf({ kseaf, supi: '901700000021309', abba: Uint8Array.of(0, 0) });
    // the KAMF is the one TS 33.501 A.7 defines (independent node:crypto implementation)
    expect(Buffer.from(kamf).toString('hex')).toBe(Buffer.from(reference.kamf(kseaf, '901700000021309', Uint8Array.of(0, 0))).toString('hex'));
    const { knasenc, knasint } = api.nasKeys({ kamf, nea: 2, nia: 2 });
    expectClean(api.memoryImage(), { kseaf, kamf, knasenc, knasint }, 'after kamf() + nasKeys()');
    expect(() => api.kamf({ kseaf, supi: '901700000021309', abba: Uint8Array.of(0) })).toThrow();
    expectClean(api.memoryImage(), { kseaf, kamf, knasenc, knasint }, 'after a refused kamf()');
  });

  it('between calls the mailboxes and the HMAC key context are all zeros', () => {
    const fw = instantiateSync(UE_FILE);
    const api = new (loadSync().constructor as any)(fw) as Api;
    for (const c of cases()) {
      c.run(api);
      for (const bad of c.refused) { try { bad(api); } catch { /* refused, as tested above */ } }
      const m = api.memoryImage();
      for (const r of ['IO_IN', 'IO_OUT', 'HMAC_KEY', 'KDF_S', 'TMP']) {
        const [p, e] = region(fw, r);
        expect(m.subarray(p, e).every((b) => b === 0), `${r} after ${c.name}`).toBe(true);
      }
    }
  });

  it('sha256 streaming: a chunk not yet hashed stays only in the stream state (SHA_CTX) until digest()', () => {
    const fw = instantiateSync(UE_FILE);
    const api = new (loadSync().constructor as any)(fw) as Api;
    const s = api.sha256Stream();
    const chunk = seeded('chunk', 40);
    s.update(chunk);
    // an open stream must keep its partial 64-byte block; nowhere else may hold it
    const [cp, ce] = region(fw, 'SHA_CTX');
    const m = api.memoryImage();
    expect(firstHit(m, { chunk }, 0, cp) ?? firstHit(m, { chunk }, ce), 'chunk outside SHA_CTX').toBeNull();
    const d = s.digest();
    expect(Buffer.from(d).toString('hex')).toBe(createHash('sha256').update(chunk).digest('hex'));
    expectClean(api.memoryImage(), { chunk, digest: d }, 'after digest()');
  });
});

describe('raw ABI: the firmware itself forgets the HMAC key context before every export returns', () => {
  it('kdf, hmac_sha256, derive_nas_keys: HMAC_KEY all zeros after the call; the key only in IO_IN where the host put it', () => {
    const fw = instantiateSync(UE_FILE);
    const [hp, he] = region(fw, 'HMAC_KEY');
    const key = K32('raw'), longKey = seeded('raw-long', 80);
    const calls: Array<[string, () => number]> = [
      ['kdf', () => { fw.begin(); const k = fw.put(key), p = fw.put(Uint8Array.of(1, 2)), t = fw.reserve(8); fw.putU32(t, p); fw.putU32(t + 4, 2); return fw.tryCall('kdf', k, 32, 0x6c, t, 1); }],
      ['hmac_sha256', () => { fw.begin(); const k = fw.put(key), m = fw.put(Uint8Array.of(1)); return fw.tryCall('hmac_sha256', k, 32, m, 1); }],
      ['hmac_sha256 (80-byte key)', () => { fw.begin(); const k = fw.put(longKey), m = fw.put(Uint8Array.of(1)); return fw.tryCall('hmac_sha256', k, 80, m, 1); }],
      ['derive_nas_keys', () => { fw.begin(); return fw.tryCall('derive_nas_keys', fw.put(key), 2, 2); }],
      ['derive_kgnb', () => { fw.begin(); return fw.tryCall('derive_kgnb', fw.put(key), 2, 1); }],
    ];
    for (const [name, call] of calls) {
      expect(call(), name).toBe(0);
      const m = fw.snapshot();
      expect(m.subarray(hp, he).every((b) => b === 0), `HMAC_KEY after ${name}`).toBe(true);
      const [ip, ie] = region(fw, 'IO_IN');
      const outside = Uint8Array.from([...m.subarray(0, ip), ...m.subarray(ie)]);
      expect(firstHit(outside, { key, longKey }), `key outside IO_IN after ${name}`).toBeNull();
      fw.raw.io_clear();
    }
  });
});

describe('NAS algorithm calls (128-NEA/NIA): key and message leave the mailboxes', () => {
  it('nasMac / nasCipher for every algorithm, and a refused call', () => {
    const fw = instantiateSync(UE_FILE);
    for (const alg of [0, 1, 2, 3]) {
      const key = K16(`nas-${alg}`), message = seeded(`msg-${alg}`, 64);
      const mac = nasMac(fw, { alg, key, count: 7, bearer: 1, direction: 0, message });
      const ct = nasCipher(fw, { alg, key, count: 7, bearer: 1, direction: 0, message });
      const secrets = alg === 0 ? { key } : { key, message, ct, mac };
      expectClean(fw.snapshot(), secrets, `alg ${alg}`);
      expect(() => nasMac(fw, { alg, key, count: 7, bearer: 32, direction: 0, message })).toThrow();
      expectClean(fw.snapshot(), secrets, `alg ${alg} refused`);
    }
  });
});

describe('UE firmware contexts: keys only inside the context slots the UE keeps', () => {
  it('install, read, protect, refused install; after wiping every slot no key byte anywhere', () => {
    const ue = new UeFirmware();
    const kamf = K32('ue-kamf');
    ue.configure({ ueSecurityCapabilities: Uint8Array.of(0xe0, 0xe0) });
    ue.install('current', { kamf, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    const ctx = ue.read('current');
    const secrets = { kamf, knasenc: ctx.knasenc, knasint: ctx.knasint };
    ue.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d));
    expect(() => ue.install('new', { kamf, ngKsi: 2, type: 'bogus' as any })).toThrow();
    const fw = ue.module;
    const [sp, se] = region(fw, 'CTX_SLOTS');
    const m = ue.memory();
    expect(firstHit(m, secrets, 0, sp), 'below CTX_SLOTS').toBeNull();
    expect(firstHit(m, secrets, se), 'above CTX_SLOTS').toBeNull();
    // the slot keeps its KAMF's HMAC pads beside it (kdf/kdf.ts): PADS_OK set, states non-zero
    const cur = ue.rawSlot('current');
    expect(cur[6]).toBe(1);
    expect(cur.subarray(192, 256).some((b) => b !== 0)).toBe(true);
    for (const s of ['current', 'new', 'non-current', 'mapped'] as const) ue.wipe(s);
    expectClean(ue.memory(), secrets, 'after every slot is wiped');
    // retiring the contexts retires their pads too: nothing key-equivalent is left in CTX_SLOTS
    expect(ue.memory().subarray(sp, se).every((b) => b === 0), 'CTX_SLOTS after wiping').toBe(true);
  });
});

describe('USIM module: no K, OPc/TOPc, CK, IK, RES outside the card NVM after any call', () => {
  const K = K16('usim-k'), OP = K16('usim-op'), RAND = seeded('usim-rand', 16), AMF = Uint8Array.of(0x80, 0);
  const opc = milenageOpc(K, OP); // TS 35.206 OPc from the node:crypto reference
  const sqn = (seq: number) => sqnBytes(BigInt(seq) << 5n);
  it('stateless MILENAGE and TUAK: nothing anywhere (also after a refused call)', () => {
    const u = new UsimModule();
    const r = u.milenage({ k: K, op: OP, rand: RAND, sqn: sqn(1), amf: AMF });
    const ref = milenageRef(K, opc, RAND, sqn(1), AMF);
    expect(Buffer.from(r.opc).equals(Buffer.from(opc)) && Buffer.from(r.ck).equals(Buffer.from(ref.ck))).toBe(true);
    const secrets = { K, OP, opc, ck: r.ck, ik: r.ik, res: r.res, ak: r.ak };
    expectClean(u.fw.snapshot(), secrets, 'milenage');
    const tk = K32('tuak-k'), top = K32('tuak-top');
    const t = u.tuak({ k: tk, top, rand: RAND, sqn: sqn(1), amf: AMF });
    expectClean(u.fw.snapshot(), { tk, top, topc: t.opc, ck: t.ck, ik: t.ik, res: t.res }, 'tuak');
    expect(() => u.milenage({ k: K, op: OP, rand: RAND.subarray(1), sqn: sqn(1), amf: AMF })).toThrow();
    expectClean(u.fw.snapshot(), secrets, 'milenage refused');
  });
  it('personalised card: K/OPc only in PERSIST; after AUTHENTICATE ok, MAC failure and sync failure no CK/IK/RES anywhere', () => {
    const u = new UsimModule();
    u.personalise({ algorithm: 'milenage', k: K, opc });
    const v = generateAuthVector(K, opc, RAND, sqn(3), AMF);
    const r = u.authenticate(v.rand, v.autn);
    expect(r.kind).toBe('ok');
    const secrets = { K, opc, ck: v.ck, ik: v.ik, xres: v.xres, ak: v.ak };
    const m = u.fw.snapshot();
    const [pp, pe] = region(u.fw, 'PERSIST');
    const hit = firstHit(m, secrets, 0, pp) ?? firstHit(m, secrets, pe);
    expect(hit, `${hit?.name} outside PERSIST at 0x${hit?.at.toString(16)}`).toBeNull();
    expect(firstHit(m, { ck: v.ck, ik: v.ik, xres: v.xres, ak: v.ak }), 'session keys in PERSIST').toBeNull();
    const bad = v.autn.slice(); bad[15] ^= 1;
    expect(u.authenticate(v.rand, bad).kind).toBe('mac-failure');
    expect(u.authenticate(v.rand, v.autn).kind).toBe('sync-failure'); // replay of SQN 3
    const m2 = u.fw.snapshot();
    expect(firstHit(m2, secrets, 0, pp) ?? firstHit(m2, secrets, pe)).toBeNull();
  });
});
