// A SUCI with protection scheme Profile A / Profile B (TS 33.501 Annex C) on the air: the 5GS
// mobile identity of TS 24.501 9.11.3.4 (host/nas/identity.ts suciProtected / decodeSuci), carried
// in an initial REGISTRATION REQUEST. Outside decoder: Wireshark's NAS-5GS dissector (tshark, USER0
// → nas-5gs as in wireshark.test.ts), which splits a scheme-1/2 scheme output into ECC ephemeral
// public key, ciphertext and MAC tag. Without tshark the decode case says so and skips; with CI
// set it fails (.ci/run installs Debian's tshark).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSuci, suciNullScheme, suciProtected } from '../../host/nas/identity.js';
import { concealSupi, deconcealSuci, homeNetworkPublicKey, loadHomeNetworkKey, type ConcealedSuci } from '../../host/network/suci-profiles.js';
import * as M from '../../host/nas/messages.js';
import { SUBSCRIBER, World, guti } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const TSHARK = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
const IN_CI = !!process.env.CI;
const C4 = vectorCases('suci-ts33501-annexC4.json');

/** The C.4 case as a SUCI with the routing indicator 678 and key id 27 (values of our choosing). */
const c4Suci = (v: any): ConcealedSuci => ({ scheme: v.scheme, hnKeyId: 27, mcc: v.mcc, mnc: v.mnc, routingIndicator: '678', schemeOutput: hex(v.scheme_output) });
const registrationRequest = (identity: Uint8Array) =>
  M.registrationRequest({ type: M.REG_TYPE.INITIAL, ngKsi: M.NGKSI_NO_KEY, identity, ueSecurityCapabilities: Uint8Array.of(0xf0, 0xf0) });

describe('5GS mobile identity of a Profile A/B SUCI (TS 24.501 9.11.3.4)', () => {
  it('C.4.3.1 Profile A, MCC 274 MNC 012, RI 678, key id 27: "SUPI format IMSI, type SUCI; PLMN; routing indicator; protection scheme id; home network public key id; scheme output"', () => {
    // octet 1 = 0 000 0 001; PLMN 72 24 10 (MCC 274, MNC 012: MNC digit 3 = 2 in the high nibble of octet 2, F only for a 2-digit MNC);
    // RI 678 → 76 f8; scheme 01; key id 1b; then the scheme output as published
    expect(toHex(suciProtected(c4Suci(C4[0])))).toBe('0172241076f8011b' + C4[0].scheme_output);
    expect(toHex(suciProtected(c4Suci(C4[1])).subarray(0, 8))).toBe('0172241076f8021b');
  });
  it('decodeSuci inverts suciProtected and suciNullScheme (fields of 9.11.3.4)', () => {
    for (const v of C4) expect(decodeSuci(suciProtected(c4Suci(v)))).toEqual(c4Suci(v));
    expect(decodeSuci(suciNullScheme('310410123456789', 3, '1234'))).toEqual({ scheme: 0, hnKeyId: 0, mcc: '310', mnc: '410', routingIndicator: '1234', schemeOutput: hex('21436587f9') });
  });
  it('suciProtected refuses scheme 0 (the null scheme has its own encoder), a key id outside one octet, an empty scheme output', () => {
    const s = c4Suci(C4[0]);
    expect(() => suciProtected({ ...s, scheme: 0 })).toThrow(/^scheme must be a protection scheme id 1\.\.15/);
    expect(() => suciProtected({ ...s, hnKeyId: 256 })).toThrow(/^hnKeyId /);
    expect(() => suciProtected({ ...s, schemeOutput: new Uint8Array(0) })).toThrow(/^schemeOutput must be a non-empty/);
    expect(() => suciProtected({ ...s, routingIndicator: '12345' })).toThrow(/^routingIndicator /);
  });
  it('decodeSuci refuses a value that is not an IMSI SUCI (type, SUPI format, length, BCD)', () => {
    const v = suciProtected(c4Suci(C4[0]));
    expect(() => decodeSuci(v.subarray(0, 8))).toThrow(/^SUCI must be a 5GS mobile identity value of at least 9 octets/);
    expect(() => decodeSuci(Uint8Array.of(0x02, ...v.subarray(1)))).toThrow(/^SUCI type of identity must be SUCI \(001\), got 2/);
    expect(() => decodeSuci(Uint8Array.of(0x11, ...v.subarray(1)))).toThrow(/^SUCI SUPI format must be IMSI \(000\), got 1/);
    const badRi = v.slice(); badRi[4] = 0xff; badRi[5] = 0xff;
    expect(() => decodeSuci(badRi)).toThrow(/^SUCI routing indicator must be 1\.\.4 BCD digits/);
    const badPlmn = v.slice(); badPlmn[1] = 0xa2;
    expect(() => decodeSuci(badPlmn)).toThrow(/^SUCI PLMN or routing indicator holds a nibble that is not a BCD digit/);
  });
  it('a UE with a Profile A SUCI calculation sends it in its initial REGISTRATION REQUEST; the SIDF recovers the subscriber\'s SUPI from the traced message (TS 33.501 6.12.2)', () => {
    const key = loadHomeNetworkKey(C4[0].home_network_private_key, 1), pub = homeNetworkPublicKey(key, 5);
    const w = new World(1);
    w.ue.suciCalculation = (supi, mncDigits) => suciProtected(concealSupi(supi, pub, undefined, { mncDigits: mncDigits as 2 | 3 }));
    w.initialRegistration(new Amf('AMF', w.trace), guti(1, 1));
    const step = w.trace.steps.find((s) => /^REGISTRATION REQUEST/.test(s.event))!;
    const id = decodeSuci(hex(step.values.identity as string));
    expect(id).toMatchObject({ scheme: 1, hnKeyId: 5, mcc: SUBSCRIBER.mcc, mnc: SUBSCRIBER.mnc });
    expect(deconcealSuci(id as ConcealedSuci, key).supi).toBe(SUBSCRIBER.supi);
    expect(step.message).toContain(step.values.identity as string);
    expect(step.message).not.toContain(toHex(suciNullScheme(SUBSCRIBER.supi, SUBSCRIBER.mnc.length)).slice(16)); // no MSIN in clear
  });
});

/** tshark fields of one classic pcap (USER0 = nas-5gs), one record per message. */
function decode(msgs: Uint8Array[], fields: string[]): Array<Record<string, string[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'ue-keys-suci-'));
  try {
    const parts = [Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 147, 0, 0, 0])];
    for (const m of msgs) { const rec = Buffer.alloc(16); rec.writeUInt32LE(m.length, 8); rec.writeUInt32LE(m.length, 12); parts.push(rec, Buffer.from(m)); }
    const file = join(dir, 'suci.pcap');
    writeFileSync(file, Buffer.concat(parts));
    const r = spawnSync('tshark', ['-r', file, '-o', 'uat:user_dlts:"User 0 (DLT=147)","nas-5gs","0","","0",""', '-T', 'fields',
      '-E', 'occurrence=a', '-E', 'aggregator=|', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.length > 0).map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(fields.map((f, i) => [f, cells[i] ? cells[i].split('|') : []]));
    });
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe.skipIf(!TSHARK && !IN_CI)('tshark decodes a REGISTRATION REQUEST carrying a Profile A/B SUCI', () => {
  it('C.4 cases and random SUCIs of both profiles: no malformed packet, no expert warning/error; type SUCI, SUPI format IMSI, MCC, MNC, routing indicator, scheme id, key id, ECC ephemeral public key, ciphertext and MAC tag as built', () => {
    expect(TSHARK, 'CI is set but tshark is not installed (.ci/run installs Debian\'s tshark)').toBe(true);
    const sucis: ConcealedSuci[] = C4.map(c4Suci);
    for (const v of C4) {
      const pub = homeNetworkPublicKey(loadHomeNetworkKey(v.home_network_private_key, v.scheme), 255);
      sucis.push(concealSupi('310410123456789', pub, undefined, { mncDigits: 3, routingIndicator: '1234' }));
      sucis.push(concealSupi('00101000000001', pub, undefined, { mncDigits: 2, routingIndicator: '0' })); // odd MSIN: filler nibble
    }
    const fields = ['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'nas_5gs.mm.message_type', 'nas_5gs.mm.type_id', 'nas_5gs.mm.suci.supi_fmt',
      'e212.mcc', 'e212.mnc', 'nas_5gs.mm.suci.routing_indicator', 'nas_5gs.mm.suci.scheme_id', 'nas_5gs.mm.suci.pki',
      'nas_5gs.mm.suci.scheme_output.ecc_public_key', 'nas_5gs.mm.suci.scheme_output.ciphertext', 'nas_5gs.mm.suci.scheme_output.mac_tag'];
    const rows = decode(sucis.map((s) => registrationRequest(suciProtected(s))), fields);
    expect(rows.length).toBe(sucis.length);
    rows.forEach((row, i) => {
      const s = sucis[i], eph = s.scheme === 1 ? 32 : 33, out = s.schemeOutput;
      const bytes = (x: string | undefined) => (x ?? '').replace(/:/g, '');
      expect({
        malformed: row['_ws.malformed'].length, expert: row['_ws.expert.severity'].map(Number).filter((x) => x >= 6291456).length,
        messageType: Number(row['nas_5gs.mm.message_type'][0]), typeId: Number(row['nas_5gs.mm.type_id'][0]), supiFormat: Number(row['nas_5gs.mm.suci.supi_fmt'][0]),
        mcc: Number(row['e212.mcc'][0]), mnc: Number(row['e212.mnc'][0]), ri: row['nas_5gs.mm.suci.routing_indicator'][0],
        scheme: Number(row['nas_5gs.mm.suci.scheme_id'][0]), pki: Number(row['nas_5gs.mm.suci.pki'][0]),
        ecc: bytes(row['nas_5gs.mm.suci.scheme_output.ecc_public_key'][0]), ciphertext: bytes(row['nas_5gs.mm.suci.scheme_output.ciphertext'][0]),
        mac: BigInt(row['nas_5gs.mm.suci.scheme_output.mac_tag'][0] ?? '-1').toString(16).padStart(16, '0'),
      }, `SUCI ${i} (${row['_ws.expert.message'].join('; ')})`).toEqual({
        malformed: 0, expert: 0, messageType: 0x41, typeId: 1, supiFormat: 0, mcc: +s.mcc, mnc: +s.mnc, ri: s.routingIndicator,
        scheme: s.scheme, pki: s.hnKeyId, ecc: toHex(out.subarray(0, eph)), ciphertext: toHex(out.subarray(eph, out.length - 8)), mac: toHex(out.subarray(out.length - 8)),
      });
    });
  });
});

if (!TSHARK && !IN_CI) {
  describe('tshark missing', () => {
    it.skip('tshark is not installed: the Wireshark decode of Profile A/B SUCIs is SKIPPED (apt-get install tshark; CI fails instead)', () => {});
  });
}
