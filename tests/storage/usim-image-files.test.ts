// Card image files through the real CLI (`node build/cli.mjs`, one process per run), issue 17
// "USIM / ME images: never lose a card, never accept a replay":
// - a file that fails validation is never erased or rewritten (byte-identical, same mtime);
// - the newest generation failing its check is "image corrupt", never a fall-back to the older SQN
//   state (TS 33.102 6.3.3: a USIM accepts an AUTN's SQN once, Annex C);
// - one writer at a time: real concurrent processes on one image;
// - images 0600, no stray temporary file; errno failures are one named line with exit 2; RES is
//   withheld when the SQN state cannot be stored.
// AUTNs come from the node:crypto AuC (host/reference/milenage.ts), with the TS 35.208 Test Set 1
// subscriber (K, OPc), never from the CLI under test.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAuthVector, sqnBytes } from '../../host/reference/milenage.js';
import { Usim } from '../../host/usim/usim.js';
import { ReadOnlyImageError } from '../../host/storage/errors.js';
import { hex, repoRoot, runCli as run, toHex } from '../helpers.js';

const K = '465b5ce8b199b49faa5f0a2ee238a6bc', OPC = 'cd63cb71954a9f4e48a5994e37a02baf', SUPI = '001010000000001';
const CLI = join(repoRoot, 'build', 'cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ue-keys-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Network side: AUTN for SQN = SEQ ‖ IND (5 IND bits, TS 33.102 C.3.2), AMF 8000. */
const av = (seq: number, ind = 0) => generateAuthVector(hex(K), hex(OPC), hex('a0112233445566778899aabbccdd' + seq.toString(16).padStart(2, '0') + ind.toString(16).padStart(2, '0')),
  sqnBytes((BigInt(seq) << 5n) | BigInt(ind)), hex('8000'));
const authArgs = (img: string, v: ReturnType<typeof av>) => ['usim', 'authenticate', img, '--rand', toHex(v.rand), '--autn', toHex(v.autn), '--json'];
function init(name: string): string {
  const img = join(dir, name);
  const r = run(['usim', 'init', img, '--supi', SUPI, '--k', K, '--opc', OPC]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return img;
}
function authOk(img: string, v: ReturnType<typeof av>) {
  const r = run(authArgs(img, v));
  expect(r.err).toBe('');
  expect(JSON.parse(r.out)).toEqual({ result: 'ok', res: toHex(v.xres), ck: toHex(v.ck), ik: toHex(v.ik) });
}
/** Bytes and mtime of a file (what "untouched" means). */
const fingerprint = (p: string) => ({ bytes: readFileSync(p).toString('hex'), mtime: statSync(p).mtimeMs });
/** A refused run: exit 2, nothing on stdout, exactly one stderr line containing `text`. */
function refused(args: string[], text: string | RegExp) {
  const r = run(args);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
  const lines = r.err.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text);
  expect(lines[0]).not.toContain(K);
  expect(lines[0]).not.toContain(OPC);
  return lines[0];
}
/** Run the CLI asynchronously (for concurrent processes). */
function runAsync(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args]);
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}
/** Offset of the first byte of the payload of the bank holding the newest generation. */
function newestPayload(img: string): number {
  const c = JSON.parse(run(['usim', 'check', img, '--json']).out);
  return c.current * (statSync(img).size / 2) + 56;
}

describe('a file that fails validation is never erased or rewritten', { timeout: 120_000 }, () => {
  it('usim show | authenticate | check on a file without the image magic → exit 2 "not a USIM image", byte-identical, same mtime', () => {
    const small = join(dir, 'notes.txt'), big = join(dir, 'notes8k.txt');
    writeFileSync(small, 'remember the milk\n');
    writeFileSync(big, 'remember the milk\n'.repeat(456).slice(0, 8192));
    for (const f of [small, big]) {
      const before = fingerprint(f);
      refused(['usim', 'show', f], 'is not a USIM image');
      refused(authArgs(f, av(1)), 'is not a USIM image');
      const c = run(['usim', 'check', f, '--json']);
      if (f === small) expect(c.err.trim()).toMatch(/notes\.txt is not a USIM image \(size 18 bytes\)$/);
      else expect(JSON.parse(c.out)).toMatchObject({ verdict: 'not-a-usim-image', exit: 2, current: null });
      expect(c.code).toBe(2);
      expect(fingerprint(f)).toEqual(before);
    }
  });

  it('one flipped byte in the newest generation → exit 2 "image corrupt: …" for show and authenticate, file untouched; the older SQN state is never used', () => {
    const img = init('flip.img');
    const v1 = av(1, 1), v2 = av(2, 1);
    authOk(img, v1);
    authOk(img, v2); // generation 3: SEQ 2 accepted in IND slot 1; generation 2 (previous bank) has only SEQ 1
    const bytes = readFileSync(img);
    bytes[newestPayload(img) + 40] ^= 0x01;
    writeFileSync(img, bytes);
    const before = fingerprint(img);
    refused(['usim', 'show', img], /^ue-keys: image corrupt: .*flip\.img: the newest generation \(3, bank \d\)/);
    // With a fall-back to generation 2 this AUTN would be accepted a second time.
    refused(authArgs(img, v2), 'image corrupt:');
    const c = run(['usim', 'check', img, '--json']);
    expect(c.code).toBe(2);
    const report = JSON.parse(c.out);
    expect(report.verdict).toBe('corrupt');
    expect(report.banks.map((b: any) => [b.state, b.generation])).toEqual(expect.arrayContaining([['damaged', '3'], ['intact', '2']]));
    expect(fingerprint(img)).toEqual(before);
  });

  it('usim check: exit 0 with both generations intact, 3 when the previous one is damaged, 2 for a blank file; the text names each bank', () => {
    const img = init('check.img');
    let c = run(['usim', 'check', img, '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.out)).toMatchObject({ verdict: 'usable', generation: '1', banks: [{ state: 'intact', role: 'current' }, { state: 'erased' }] });
    authOk(img, av(3));
    c = run(['usim', 'check', img, '--json']);
    expect(c.code).toBe(0);
    const r = JSON.parse(c.out);
    expect(r.banks.find((b: any) => b.role === 'current')).toMatchObject({ state: 'intact', generation: '2', superseded: false });
    expect(r.banks.find((b: any) => b.role === 'previous')).toMatchObject({ state: 'intact', generation: '1', superseded: true });
    const bytes = readFileSync(img);
    const prev = (1 - r.current) * 4096 + 56 + 5;
    bytes[prev] ^= 0x20;
    writeFileSync(img, bytes);
    const text = run(['usim', 'check', img]);
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/usable, previous generation not kept \(exit 3\)/);
    expect(text.out).toMatch(/bank \d  damaged\s+generation 1 +SHA-256 mismatch/);
    expect(run(['usim', 'show', img]).code).toBe(0); // the newest generation is intact
    const blank = join(dir, 'blank.img');
    writeFileSync(blank, Buffer.alloc(8192, 0xff));
    expect(run(['usim', 'check', blank]).code).toBe(2);
  });
});

describe('one writer at a time (real concurrent processes)', { timeout: 180_000 }, () => {
  it('20 parallel authenticate runs with the same AUTN: exactly one accepts, 19 report a synchronisation failure', async () => {
    const img = init('race.img');
    const v = av(5, 7);
    const rs = await Promise.all(Array.from({ length: 20 }, () => runAsync([...authArgs(img, v), '--wait-ms', '120000'])));
    for (const r of rs) { expect(r.err).toBe(''); expect(r.code).toBe(0); }
    const results = rs.map((r) => JSON.parse(r.out).result);
    expect(results.filter((x) => x === 'ok')).toHaveLength(1);
    expect(results.filter((x) => x === 'sync-failure')).toHaveLength(19);
    expect(run(['usim', 'check', img]).code).toBe(0);
  });

  it('6 authenticate runs with distinct AUTNs and 6 show runs in parallel: every SQN accepted is stored, every show succeeds, the image stays intact', async () => {
    const img = init('mix.img');
    const vs = Array.from({ length: 6 }, (_, i) => av(9, i)); // SEQ 9 in IND slots 0..5: acceptable in any order
    const runs = [...vs.map((v) => runAsync([...authArgs(img, v), '--wait-ms', '120000'])),
      ...vs.map(() => runAsync(['usim', 'show', img, '--json', '--wait-ms', '120000']))];
    const rs = await Promise.all(runs);
    for (const r of rs) { expect(r.err).toBe(''); expect(r.code).toBe(0); }
    rs.slice(0, 6).forEach((r, i) => expect(JSON.parse(r.out)).toEqual({ result: 'ok', res: toHex(vs[i].xres), ck: toHex(vs[i].ck), ik: toHex(vs[i].ik) }));
    const seqMs = JSON.parse(run(['usim', 'show', img, '--json']).out).sqn.seqMs;
    expect(seqMs.slice(0, 6)).toEqual(Array(6).fill(9)); // no accepted SQN vanished
    // … so none of them is accepted again
    for (const v of vs.slice(0, 3)) expect(JSON.parse(run(authArgs(img, v)).out).result).toBe('sync-failure');
    expect(run(['usim', 'check', img]).code).toBe(0);
  });

  it('a live holder keeps the lock: a second process waits the bound, then exit 2 "image busy"; a dead holder\'s lock is taken over at once', () => {
    const img = init('busy.img');
    const holder = spawn('sleep', ['60']);
    try {
      writeFileSync(`${img}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), nonce: 'test-holder' }));
      const t0 = Date.now();
      refused([...authArgs(img, av(6)), '--wait-ms', '400'], /^ue-keys: image busy: .*busy\.img is locked by process \d+/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
      refused(['usim', 'show', img, '--wait-ms', '200'], 'image busy');
    } finally { holder.kill('SIGKILL'); }
    spawnSync('sleep', ['0.2']);
    // The holder died without releasing (SIGKILL): the lock is stale and the next run proceeds.
    authOk(img, av(6));
    expect(existsSync(`${img}.lock`)).toBe(false);
  });
});

describe('file modes, temporaries and errno', { timeout: 120_000 }, () => {
  it('images are created 0600 (also with umask 000 and with --force); a stray temporary file of an interrupted init is removed by the next run', () => {
    const img = join(dir, 'mode.img');
    const sh = spawnSync('sh', ['-c', `umask 000 && "${process.execPath}" "${CLI}" usim init "${img}" --supi ${SUPI} --k ${K} --opc ${OPC}`], { encoding: 'utf8' });
    expect(sh.status).toBe(0);
    expect(statSync(img).mode & 0o777).toBe(0o600);
    expect(run(['usim', 'init', img, '--supi', SUPI, '--k', K, '--opc', OPC, '--force']).code).toBe(0);
    expect(statSync(img).mode & 0o777).toBe(0o600);
    // What a killed `usim init` leaves: the whole image (K/OPc in clear) under the temporary name.
    for (const stray of [`${img}.tmp`, `${img}.4242.tmp`]) {
      writeFileSync(stray, readFileSync(img));
      chmodSync(stray, 0o644);
    }
    expect(run(['usim', 'show', img]).code).toBe(0);
    expect(existsSync(`${img}.tmp`) || existsSync(`${img}.4242.tmp`)).toBe(false);
    const img2 = join(dir, 'mode2.img');
    writeFileSync(`${img2}.tmp`, 'left by a killed init');
    expect(run(['usim', 'init', img2, '--supi', SUPI, '--k', K, '--opc', OPC]).code).toBe(0);
    expect(existsSync(`${img2}.tmp`)).toBe(false);
    expect(existsSync(`${img2}.lock`)).toBe(false);
  });

  it('EISDIR, ENOENT, ENOTDIR, EEXIST → one line naming the path, exit 2', () => {
    const adir = join(dir, 'adir');
    mkdirSync(adir, { recursive: true });
    const flags = ['--supi', SUPI, '--k', K, '--opc', OPC];
    refused(['usim', 'show', adir], /adir: cannot open it: is a directory \(EISDIR\)/);
    refused(authArgs(adir, av(1)), /is a directory \(EISDIR\)/);
    refused(['usim', 'check', adir], /is a directory \(EISDIR\)/);
    refused(['usim', 'init', join(dir, 'nodir', 'x.img'), ...flags], /nodir[/\\]x\.img: cannot create it: directory .*nodir does not exist \(ENOENT\)/);
    refused(['usim', 'show', join(dir, 'missing.img')], /missing\.img: cannot open it: does not exist \(ENOENT\)/);
    writeFileSync(join(dir, 'afile'), 'x');
    refused(['usim', 'init', join(dir, 'afile', 'x.img'), ...flags], /is not a directory \(ENOTDIR\)/);
    refused(['usim', 'init', adir, ...flags], /adir: already exists/);
    refused(['usim', 'init', adir, ...flags, '--force'], /EISDIR/);
    expect(statSync(adir).isDirectory()).toBe(true);
  });

  const chattr = (() => {
    const probe = join(dir, 'chattr-probe');
    writeFileSync(probe, 'x');
    const ok = spawnSync('chattr', ['+i', probe]).status === 0;
    if (ok) spawnSync('chattr', ['-i', probe]);
    return ok;
  })();
  // Root ignores mode bits, so "read-only" is the immutable attribute (chattr +i): open(O_RDWR) → EPERM.
  it.runIf(chattr)('an image that cannot be written (chattr +i): authenticate exits 2 naming the image and prints no RES; the AUTN is still fresh afterwards', () => {
    const img = init('ro.img');
    const v = av(4, 2);
    const before = readFileSync(img).toString('hex');
    spawnSync('chattr', ['+i', img]);
    try {
      const line = refused(authArgs(img, v), /ro\.img: cannot open it for writing: operation not permitted .*\(EPERM\)/);
      expect(line).not.toContain(toHex(v.xres));
      expect(run(['usim', 'show', img]).code).toBe(0); // reading still works
    } finally { spawnSync('chattr', ['-i', img]); }
    expect(readFileSync(img).toString('hex')).toBe(before);
    authOk(img, v);
  });
});

describe('library: RES is withheld when the SQN state cannot be stored (failures injected at the file layer)', { timeout: 60_000 }, () => {
  it('a card opened for reading (a snapshot) refuses to answer AUTHENTICATE; the image is unchanged and the AUTN still fresh', () => {
    const img = init('lib-ro.img');
    const v = av(8, 3);
    const before = readFileSync(img).toString('hex');
    const card = Usim.open(img, { access: 'read' });
    expect(() => card.authenticate(v.rand, v.autn)).toThrow(ReadOnlyImageError);
    expect(card.poweredOn).toBe(false);
    expect(readFileSync(img).toString('hex')).toBe(before);
    const rw = Usim.open(img);
    try {
      const r = rw.authenticate(v.rand, v.autn);
      expect(r.kind).toBe('ok');
    } finally { rw.powerOff(); }
  });

  it('two cards opened on one image in one process: the second re-reads the image under the lock and refuses the AUTN the first accepted', () => {
    const img = init('lib-two.img');
    const v = av(11, 5);
    const a = Usim.open(img), b = Usim.open(img); // neither keeps the lock between commands
    try {
      expect(a.authenticate(v.rand, v.autn).kind).toBe('ok');
      expect(b.authenticate(v.rand, v.autn).kind).toBe('sync-failure');
      expect(b.sqnState().seqMs[5]).toBe(11n);
    } finally { a.powerOff(); b.powerOff(); }
  });

  it('a write that fails with EIO/ENOSPC midway: no RES, and the image still opens as the old or the new generation', () => {
    const fs = createRequire(import.meta.url)('node:fs');
    for (const code of ['EIO', 'ENOSPC']) {
      const img = init(`lib-${code}.img`);
      const v = av(10, 4);
      const card = Usim.open(img);
      const orig = fs.writeSync;
      let calls = 0;
      // Inject at the fs layer: the third positioned write fails as the kernel would report it.
      fs.writeSync = (...a: any[]) => { if (++calls === 3) throw Object.assign(new Error(code), { code }); return orig(...a); };
      syncBuiltinESMExports();
      let result: unknown = null;
      try { result = card.authenticate(v.rand, v.autn); } catch (e) { expect((e as Error).message).toMatch(new RegExp(`cannot write it: .*\\(${code}\\)`)); } finally {
        fs.writeSync = orig;
        syncBuiltinESMExports();
        card.powerOff();
      }
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(result).toBeNull();
      expect(run(['usim', 'check', img]).code).not.toBe(2);
    }
  });
});
