// The UE-conformance test purposes (TS 38.523-1 / TS 36.523-1, as restated in the project's digest)
// and the Gaps G1–G14, each run by the system simulator of host/conformance against the UE model:
// one vitest case per test purpose, named by its id. The SS computes every expected value with
// node:crypto (host/reference), never with the firmware. Below them: a deliberately broken UE gets
// verdict fail (the checks are not vacuous), the UE deviations the test purposes found (fixed, each
// named by its rule), the CLI contract and the README table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_PURPOSES, runTp } from '../../host/conformance/index.js';
import { exitCode } from '../../host/conformance/runner.js';
import { runAll, updateReadme, type TpRun } from '../../host/conformance/report.js';
import { SystemSimulator } from '../../host/conformance/ss.js';
import { epsAka, epsAuthRequest } from '../../host/conformance/cases/eps-aka.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { ref } from '../../host/reference/kdf.js';
import * as M from '../../host/nas/messages.js';
import { repoRoot, runCli } from '../helpers.js';

const byId = (id: string) => TEST_PURPOSES.find((t) => t.id === id)!;

describe('UE conformance: test purposes and Gaps run by the system simulator', () => {
  for (const tp of TEST_PURPOSES) {
    it(tp.id, () => {
      const r = runTp(tp);
      if (tp.scope === 'OUT') expect(r).toEqual({ verdict: 'not applicable', detail: tp.outReason });
      else expect(r.verdict, r.detail).toBe('pass');
    });
  }

  it('the list holds the digest\'s 25 test cases, 69 test purposes (68 read fully, 22.5.1 TP5 partly) and Gaps G1–G14', () => {
    const tps = TEST_PURPOSES.filter((t) => t.scope !== 'GAP');
    expect(tps.length).toBe(69);
    expect(new Set(tps.map((t) => t.id.replace(/ TP\d+$/, ''))).size).toBe(25);
    expect(TEST_PURPOSES.filter((t) => t.scope === 'GAP').map((t) => t.id.match(/\(G(\d+)\)$/)?.[1])).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
    expect(new Set(TEST_PURPOSES.map((t) => t.id)).size).toBe(TEST_PURPOSES.length);
    // Gaps are labelled by their clause, never as 38.523-1 test purposes
    for (const g of TEST_PURPOSES.filter((t) => t.scope === 'GAP')) expect(g.id).toMatch(/^TS (24\.501|33\.501) /);
  });
});

describe('the SS can fail: a deliberately broken UE gets verdict fail', () => {
  it('a UE that takes a 3-digit MNC for a 2-digit one sends another NAI and fails 38.523-1 9.1.1.1 TP1', () => {
    class WrongMncLength extends SystemSimulator {
      override powerOn(): void { super.powerOn(); this.ue.mncDigits = 3; }
    }
    const r = runTp(byId('38.523-1 9.1.1.1 TP1'), new WrongMncLength());
    expect(r.verdict).toBe('fail');
    expect(r.detail).toMatch(/^AT_IDENTITY is "type0\.rid0\.schid0\.userid000000001@5gc\.mnc010\.mcc001/);
  });

  it('a UE that answers SECURITY MODE COMPLETE to an SMC with mismatching replayed capabilities fails 38.523-1 9.1.2.1 TP1', () => {
    class NoCapsCheck extends SystemSimulator {
      // the broken UE compares the replayed capabilities with what the SS will replay, not with what it sent
      override ueRegister(type?: number): Uint8Array {
        const m = super.ueRegister(type);
        this.ue.fw.configure({ ueSecurityCapabilities: Uint8Array.of(this.ue.caps[0] ^ 0x20, this.ue.caps[1]) });
        return m;
      }
    }
    const r = runTp(byId('38.523-1 9.1.2.1 TP1'), new NoCapsCheck());
    expect(r.verdict).toBe('fail');
    expect(r.detail).toMatch(/protected message \(header type 4\)/); // a COMPLETE where a plain REJECT was due
  });

  it('a UE that answers an unprotected IDENTITY REQUEST after the SMC fails 36.523-1 22.5.12 TP2', () => {
    class ForgetsSecurity extends SystemSimulator {
      override send(m: Uint8Array) { this.nas.secure = false; return super.send(m); }
    }
    const r = runTp(byId('36.523-1 22.5.12 TP2'), new ForgetsSecurity());
    expect(r).toMatchObject({ verdict: 'fail' });
  });

  it('a UE that does not store its context at switch-off fails 38.523-1 9.1.6.1.1 TP1', () => {
    const ss = new SystemSimulator();
    const orig = ss.ue.store.deregister.bind(ss.ue.store);
    ss.ue.store.deregister = (kind, _ctx) => orig(kind, null);
    expect(runTp(byId('38.523-1 9.1.6.1.1 TP1'), ss).verdict).toBe('fail');
  });

  it('a UE whose RES* is wrong fails (checked against the SS\'s A.4), and one whose uplink MAC is wrong fails', () => {
    const ss = new SystemSimulator();
    const h = ss.ue.aka.handleAuthenticationRequest.bind(ss.ue.aka);
    ss.ue.aka.handleAuthenticationRequest = (req, snn) => { const r = h(req, snn); if (r.message === 'AUTHENTICATION RESPONSE') r.resStar[0] ^= 1; return r; };
    expect(runTp(byId('38.523-1 9.1.2.1 TP2'), ss)).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/RES\*/) });
    const ss2 = new SystemSimulator();
    const p = ss2.ue.fw.protect.bind(ss2.ue.fw);
    ss2.ue.fw.protect = (slot, access, sht, plain) => { const o = p(slot, access, sht, plain); o.message[2] ^= 1; return o; };
    expect(runTp(byId('38.523-1 9.1.7.1 TP1'), ss2)).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/MAC/) });
  });

  it('a UE that keeps the 5G-GUTI after REGISTRATION REJECT #74 fails 38.523-1 9.1.11.1 TP1', () => {
    class KeepsGuti extends SystemSimulator {
      // every power-on gives a new device: the broken LOCI writer is installed on each
      override powerOn(): void {
        super.powerOn();
        const orig = this.ue.store.storeLoci.bind(this.ue.store);
        this.ue.store.storeLoci = (l) => { if (l.guti !== null) orig(l); };
      }
    }
    const ss = new KeepsGuti();
    expect(runTp(byId('38.523-1 9.1.11.1 TP1'), ss).verdict).toBe('fail');
  });
});

describe('UE deviations found by the test purposes (fixed)', () => {
  it('TS 38.331 5.4.3.4: after the handover to E-UTRA the UE releases the source NR AS keys — "the AS security context of the source is released" (KgNB and NH zeroed)', () => {
    const ss = new SystemSimulator();
    const c = ss.register(1);
    expect(ss.ue.fw.read('current').kgnb).toEqual(ref.kgnb(c.kamf, 0, 1)); // held before
    new UeInterworking(ss.ue.fw).epsMapHo(ss.net!.dlNext['3gpp'] & 0xff);
    const cur = ss.ue.fw.read('current');
    expect(cur.kgnb.every((b) => b === 0) && cur.nh.every((b) => b === 0)).toBe(true);
    expect(cur.kamf).toEqual(c.kamf); // the native 5G context itself stays for the return to 5GS
  });

  it('TS 24.501 5.4.2.3: an SMC with ngKSI 000 and 5G-IA0/5G-EA0 in an emergency is accepted with a locally generated KAMF; outside an emergency it is rejected', () => {
    for (const emergency of [true, false]) {
      const ss = new SystemSimulator();
      ss.ue.fw.configure({ ueSecurityCapabilities: ss.ue.caps, imeisv: ss.nas.imeisv, emergency });
      ss.ueRegister(M.REG_TYPE.INITIAL);
      const nas0 = new NetworkNasContext(new Uint8Array(32), 0, 0, 0);
      const u = ss.decode(ss.send(ss.smc(nas0)).sent, emergency ? nas0 : null);
      expect(u.plain[2]).toBe(emergency ? M.MT.SECURITY_MODE_COMPLETE : M.MT.SECURITY_MODE_REJECT);
      if (emergency) expect(ss.ue.fw.read('current')).toMatchObject({ type: 'full-native', ngKsi: 0, nia: 0, nea: 0 });
    }
  });

  it('TS 24.501 5.4.1.3.7: an AUTHENTICATION REQUEST whose ngKSI is already in use → AUTHENTICATION FAILURE #71, nothing derived', () => {
    const ss = new SystemSimulator();
    ss.register(1);
    const u = ss.decode(ss.send(ss.protect(ss.authenticationRequest(ss.challenge(1)))).sent);
    expect([u.plain[2], u.plain[3]]).toEqual([M.MT.AUTHENTICATION_FAILURE, 71]);
    expect(ss.ue.fw.read('new').type).toBe('none');
  });

  it('TS 24.501 5.5.1.3.5 #9: "UE identity cannot be derived by the network" deletes the 5G-GUTI, last visited TAI and ngKSI and the UE registers again (initial, ngKSI 111)', () => {
    const r = runTp(byId('36.523-1 22.5.7a TP5'));
    expect(r.verdict, r.detail).toBe('pass');
  });

  it('TS 33.501 J.1: after 5G-SRVCC the DEREGISTRATION REQUEST is not protected with the pre-SRVCC context (ngKSI 111)', () => {
    const ss = new SystemSimulator();
    ss.register(1);
    new UeInterworking(ss.ue.fw).srvccHoCommand({ dlLsb4: ss.net!.dlNext['3gpp'] & 15 });
    ss.ue.srvccOutcome('completed');
    const m = ss.nas.deregister(true);
    expect(m[1]).toBe(0);
    expect(m[3] >> 4).toBe(7);
  });
});

describe('EAP messages go to the device\'s EAP-AKA′ peer (TS 24.501 5.4.1.2.2)', () => {
  it('an AUTHENTICATION REQUEST with an EAP message is answered by an AUTHENTICATION RESPONSE with an EAP-Response, not by 5G AKA', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    // EAP-Request/AKA′-Identity (RFC 4187 9.1) with AT_FULLAUTH_ID_REQ
    const r = ss.send(ss.eapAuthenticationRequest(1, Uint8Array.of(0x01, 0x07, 0x00, 0x0c, 50, 5, 0, 0, 17, 1, 0, 0)));
    expect(r.sent![2]).toBe(M.MT.AUTHENTICATION_RESPONSE);
    expect([...r.sent!.subarray(3, 4)]).toEqual([0x78]);
    expect([...r.sent!.subarray(6, 8)]).toEqual([0x02, 0x07]); // EAP-Response with the request's identifier
    expect(ss.ue.fw.read('new').type).toBe('none'); // the 5G AKA path did not run
  });

  it('TS 24.501 5.4.1.2.2.8: an AUTHENTICATION RESULT with no EAP-AKA′ run before it is discarded, nothing changes', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    expect(ss.send(ss.authenticationResult(1, Uint8Array.of(0x03, 0x05, 0x00, 0x04)))).toMatchObject({ sent: null, discarded: 'AUTHENTICATION RESULT not usable' });
    expect(ss.ue.fw.read('new').type).toBe('none');
  });
});

describe('ue-keys conformance (CLI)', () => {
  it('one line per test purpose, "TS <id>  <verdict>  <detail>", exit 0 when the selection passes', () => {
    const r = runCli(['conformance', '--filter', '38.523-1 9.1.2.1']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^TS 38\.523-1 9\.1\.2\.1 TP1  pass  SECURITY MODE REJECT #23/);
  });

  it('--json: one object per line with id, scope, verdict, detail', () => {
    const r = runCli(['conformance', '--filter', 'TS 38.523-1 9.1.1.1', '--json']);
    expect(r.code, r.err).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(objs.map((o) => o.id)).toEqual([1, 2, 3, 4].map((n) => `38.523-1 9.1.1.1 TP${n}`));
    expect(Object.keys(objs[0])).toEqual(['id', 'scope', 'verdict', 'detail']);
    expect(objs[0]).toMatchObject({ id: '38.523-1 9.1.1.1 TP1', scope: 'IN', verdict: 'pass' });
    expect(objs[0].detail).toContain('type0.rid0.schid0.userid0000000001@5gc.mnc001.mcc001.3gppnetwork.org');
  });

  it('exit 1 when an IN, PART or Gaps test purpose fails, 0 when only an OUT one does', () => {
    const fail = { verdict: 'fail' as const, detail: 'x' };
    for (const scope of ['IN', 'PART', 'GAP'] as const) expect(exitCode([{ tp: TEST_PURPOSES.find((t) => t.scope === scope)!, result: fail }])).toBe(1);
    expect(exitCode([{ tp: TEST_PURPOSES.find((t) => t.scope === 'OUT')!, result: fail }])).toBe(0);
  });

  it('OUT test purposes print "not applicable" with the reason and do not fail the run', () => {
    const r = runCli(['conformance', '--filter', '38.523-1 9.1.7.1 TP3']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('TS 38.523-1 9.1.7.1 TP3  not applicable  timers only\n');
  });

  it('a bad option, a value on --json, or a filter matching nothing → one line naming it, exit 2', () => {
    for (const [args, field] of [[['--nope'], '--nope'], [['--json=yes'], '--json'], [['--filter', 'XYZ'], '--filter'], [['stray'], 'stray']] as const) {
      const r = runCli(['conformance', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(field);
    }
  });
});

describe('README conformance table', () => {
  let runs: TpRun[];
  beforeAll(() => { runs = runAll(TEST_PURPOSES); });
  it('matches what the runner generates (ue-keys conformance --update-readme README.md)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('<!-- conformance -->');
    expect(updateReadme(readme, runs) === readme, 'README conformance section drifted: run node build/cli.mjs conformance --update-readme README.md').toBe(true);
  });
});

describe('EPS AKA on the UE: the AUTN length octet', () => {
  it('TS 24.301 9.9.3.2: AUTN is an LV of 16 octets — a length octet of 17 → AUTHENTICATION FAILURE #96, the USIM not asked (the same challenge is then accepted)', () => {
    const ss = new SystemSimulator();
    const aka = epsAka(ss), c = ss.challenge(2);
    const good = epsAuthRequest(c);
    const bad = Uint8Array.of(...good.subarray(0, 19), 17, ...good.subarray(20), 0x00);
    expect([...aka.authenticationRequest(bad)]).toEqual([0x07, 0x5c, 96]);
    const r = aka.authenticationRequest(good);
    expect(r[1]).toBe(0x53); // AUTHENTICATION RESPONSE: the USIM had not taken the SQN
  });
});
