// host/ue/context-store.ts, its documented contract: "Every write step of either medium is reported to
// ContextStore.onWrite, so the order is observable" (with TS 33.501 6.8.1.1.1: the ME copy is deleted
// only after the USIM write; TS 24.501 C.1: each item on its USIM EF when the EF exists, else in ME
// NVM), the refusals that name the call, and the RAM copy. Written for the survivors of the Stryker run
// over context-store.ts (issue 16). Expected write lists come from that contract, not from the code.
import { describe, expect, it } from 'vitest';
import { AtomicStore, MemoryMedium, type Medium } from '../../host/storage/atomic-store.js';
import type { AuthKeys, Loci, StoredNsc } from '../../host/usim/files.js';
import { USIM_IMAGE_TYPE, UsimStorage, initUsimImage } from '../../host/usim/usim-storage.js';
import { ME_IMAGE_TYPE, MeStorage } from '../../host/ue/me-storage.js';
import { ContextStateError, ContextStore, type StoreWrite } from '../../host/ue/context-store.js';

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const SUPI = '001010000000001';
const A: StoredNsc = { ngKsi: 1, kamf: fill(32, 0xaa), ulNasCount: 5, dlNasCount: 3, nasAlgs: { ciphering: 1, integrity: 2 }, epsNasAlgs: { ciphering: 2, integrity: 2 } };
const A2: StoredNsc = { ...A, ulNasCount: 9, dlNasCount: 7 };
const K: AuthKeys = { kausf: fill(32, 0xc1), kseaf: fill(32, 0xd2) };
const LOCI: Loci = { guti: Uint8Array.from(Buffer.from('000BF200F110CAFE4112345678', 'hex')), tai: { plmn: Uint8Array.of(0x00, 0xf1, 0x10), tac: Uint8Array.of(0, 0, 1) }, updateStatus: 0 };

function newUsim(services?: number[]): MemoryMedium {
  const m = new MemoryMedium(4096);
  initUsimImage(AtomicStore.open(m, { type: USIM_IMAGE_TYPE }), { supi: SUPI, services, cardState: fill(48, 0x99) });
  return m;
}
function boot(usimM: Medium, meM: Medium) {
  const usim = UsimStorage.open(AtomicStore.open(usimM, { type: USIM_IMAGE_TYPE }));
  const me = MeStorage.open(AtomicStore.open(meM, { type: ME_IMAGE_TYPE }));
  const cs = new ContextStore(me);
  const seen: StoreWrite[] = [];
  cs.onWrite = (w) => seen.push(w);
  const r = cs.powerOn(usim);
  return { cs, r, usim, me, seen };
}
const w = (medium: 'usim' | 'me', item: StoreWrite['item'], action: StoreWrite['action']): StoreWrite => ({ medium, item, action });
/** The writes of `f` on `cs`, as logged and as reported to onWrite (they must agree). */
function writesOf(s: ReturnType<typeof boot>, f: () => void): StoreWrite[] {
  const a = s.cs.writes.length, b = s.seen.length;
  f();
  const logged = s.cs.writes.slice(a);
  expect(s.seen.slice(b)).toEqual(logged);
  return logged;
}
/** ME NVM holding a context, KAUSF/KSEAF and LOCI for SUPI (a USIM without DF5GS EFs wrote them). */
function meWithCopies(): MemoryMedium {
  const meM = new MemoryMedium(4096);
  const s = boot(newUsim([]), meM);
  s.cs.beginRegistration();
  s.cs.registrationCompleted(A);
  s.cs.storeAuthKeys(K);
  s.cs.storeLoci(LOCI);
  s.cs.deregister('switch-off');
  return meM;
}

describe('ContextStore: every write step is reported, in order, on the medium that holds the item (TS 24.501 C.1)', () => {
  it('USIM with EF 5GS3GPPNSC, 5GAUTHKEYS and 5GS3GPPLOCI: every item goes to the card', () => {
    const s = boot(newUsim(), new MemoryMedium(4096));
    expect(writesOf(s, () => s.cs.beginRegistration())).toEqual([]); // nothing stored yet: nothing to mark
    expect(writesOf(s, () => s.cs.registrationCompleted(A))).toEqual([w('usim', 'nsc', 'write-invalid')]);
    expect(writesOf(s, () => s.cs.storeAuthKeys(K))).toEqual([w('usim', 'authKeys', 'write-valid')]);
    expect(writesOf(s, () => s.cs.storeLoci(LOCI))).toEqual([w('usim', 'loci', 'write-valid')]);
    expect(writesOf(s, () => s.cs.deregister('normal'))).toEqual([w('usim', 'nsc', 'write-valid')]);
    expect(writesOf(s, () => s.cs.invalidateContext())).toEqual([w('usim', 'nsc', 'mark-invalid')]);
    expect(writesOf(s, () => s.cs.deregister('reject'))).toEqual([w('usim', 'nsc', 'mark-invalid'), w('usim', 'authKeys', 'delete'), w('usim', 'loci', 'write-valid')]);
  });
  it('USIM without the EFs: every item goes to ME NVM', () => {
    const s = boot(newUsim([]), new MemoryMedium(4096));
    expect(writesOf(s, () => s.cs.beginRegistration())).toEqual([]);
    expect(writesOf(s, () => s.cs.registrationCompleted(A))).toEqual([w('me', 'nsc', 'write-invalid')]);
    expect(writesOf(s, () => s.cs.storeAuthKeys(K))).toEqual([w('me', 'authKeys', 'write-valid')]);
    expect(writesOf(s, () => s.cs.storeLoci(LOCI))).toEqual([w('me', 'loci', 'write-valid')]);
    expect(writesOf(s, () => s.cs.deregister('normal'))).toEqual([w('me', 'nsc', 'write-valid')]);
    expect(writesOf(s, () => s.cs.deregister('reject'))).toEqual([w('me', 'nsc', 'mark-invalid'), w('me', 'authKeys', 'delete'), w('me', 'loci', 'write-valid')]);
  });
  it('REGISTRATION REJECT #3/#6/#7 in ME NVM with nothing stored yet: the context is still marked invalid and the LOCI written', () => {
    const s = boot(newUsim([]), new MemoryMedium(4096));
    expect(writesOf(s, () => s.cs.deregister('reject'))).toEqual([w('me', 'nsc', 'mark-invalid'), w('me', 'loci', 'write-valid')]);
  });
  it('TS 33.501 6.8.1.1.1: with the EFs on the USIM the ME copies are deleted after the USIM write (KAUSF/KSEAF, LOCI)', () => {
    const meM = meWithCopies();
    const s = boot(newUsim(), meM);
    expect(writesOf(s, () => s.cs.storeAuthKeys(K))).toEqual([w('usim', 'authKeys', 'write-valid'), w('me', 'authKeys', 'delete')]);
    expect(s.me.readAuthKeys()).toBeNull();
    expect(writesOf(s, () => s.cs.storeLoci(LOCI))).toEqual([w('usim', 'loci', 'write-valid'), w('me', 'loci', 'delete')]);
    expect(s.me.readLoci('3gpp')).toBeNull();
  });
  it('REGISTRATION REJECT #3/#6/#7 with the EFs on the USIM and ME copies left: the card first, then every ME copy deleted', () => {
    const s = boot(newUsim(), meWithCopies());
    expect(writesOf(s, () => s.cs.deregister('reject'))).toEqual([
      w('usim', 'nsc', 'mark-invalid'), w('usim', 'authKeys', 'delete'), w('usim', 'loci', 'write-valid'),
      w('me', 'nsc', 'delete'), w('me', 'authKeys', 'delete'), w('me', 'loci', 'delete'),
    ]);
    expect(s.me.hasNsc('3gpp')).toBe(false);
    expect(s.me.readAuthKeys()).toBeNull();
    expect(s.me.readLoci('3gpp')).toBeNull();
  });
  it('a new store has reported no write yet', () => {
    const cs = new ContextStore(MeStorage.open(AtomicStore.open(new MemoryMedium(4096), { type: ME_IMAGE_TYPE })));
    expect(cs.writes).toEqual([]);
  });
  it('REGISTRATION REJECT #3/#6/#7 with only EF 5GAUTHKEYS on the USIM (n°123 without n°122): only that write is a USIM step', () => {
    const s = boot(newUsim([123]), new MemoryMedium(4096));
    expect(writesOf(s, () => s.cs.deregister('reject'))).toEqual([w('usim', 'authKeys', 'delete'), w('me', 'nsc', 'mark-invalid'), w('me', 'loci', 'write-valid')]);
  });
  it('REGISTRATION REJECT #3/#6/#7 with n°122 but without n°123: context and LOCI on the card, KAUSF/KSEAF deleted from ME NVM', () => {
    const meM = new MemoryMedium(4096);
    const s0 = boot(newUsim([122]), meM);
    s0.cs.storeAuthKeys(K);
    expect(writesOf(s0, () => s0.cs.deregister('reject'))).toEqual([w('usim', 'nsc', 'mark-invalid'), w('usim', 'loci', 'write-valid'), w('me', 'authKeys', 'delete')]);
  });
  it('deleteAuthKeys without EF 5GAUTHKEYS deletes the ME NVM copy', () => {
    const s = boot(newUsim([]), new MemoryMedium(4096));
    s.cs.storeAuthKeys(K);
    expect(writesOf(s, () => s.cs.deleteAuthKeys())).toEqual([w('me', 'authKeys', 'delete')]);
    expect(s.me.readAuthKeys()).toBeNull();
  });
  it('deleteAuthKeys removes the ME copy too when the USIM has EF 5GAUTHKEYS', () => {
    const s = boot(newUsim(), meWithCopies());
    // the USIM write first, then the ME copy (TS 33.501 6.8.1.1.1 order), both reported
    expect(writesOf(s, () => s.cs.deleteAuthKeys())).toEqual([w('usim', 'authKeys', 'delete'), w('me', 'authKeys', 'delete')]);
    expect(s.me.readAuthKeys()).toBeNull();
    expect(s.cs.loadAuthKeys()).toMatchObject({ valid: false });
  });
});

describe('ContextStore: a refused call names itself and the reason (ContextStateError)', () => {
  it('every call that needs a USIM, before power-on', () => {
    const cs = new ContextStore(MeStorage.open(AtomicStore.open(new MemoryMedium(4096), { type: ME_IMAGE_TYPE })));
    expect(cs.state).toBe('off');
    expect(cs.nscLocation).toBe('me'); // no card: nothing on a USIM
    expect(cs.stored()).toBeNull();
    const calls: [string, () => unknown][] = [
      ['beginRegistration', () => cs.beginRegistration()], ['deregister', () => cs.deregister('normal')],
      ['invalidateContext', () => cs.invalidateContext()], ['storeAuthKeys', () => cs.storeAuthKeys(K)],
      ['loadAuthKeys', () => cs.loadAuthKeys()], ['deleteAuthKeys', () => cs.deleteAuthKeys()],
      ['storeLoci', () => cs.storeLoci(LOCI)], ['loadLoci', () => cs.loadLoci()],
      ['registrationFailed', () => cs.registrationFailed(A)], ['registrationCompleted', () => cs.registrationCompleted(A)],
    ];
    for (const [op, f] of calls) {
      expect(f).toThrow(ContextStateError);
      expect(f).toThrow(`${op}: no USIM (power on with a USIM first)`);
    }
  });
  it('calls out of state', () => {
    const s = boot(newUsim(), new MemoryMedium(4096));
    expect(() => s.cs.registrationFailed(A)).toThrow('registrationFailed needs state registering, state is deregistered');
    expect(() => s.cs.registrationCompleted(A)).toThrow('registrationCompleted needs state registering, state is deregistered');
    expect(() => s.cs.beginRegistration('mobility')).toThrow("beginRegistration('mobility') needs state registered, state is deregistered");
    s.cs.powerLoss();
    expect(() => s.cs.deregister('normal')).toThrow('deregister: not powered on');
  });
});

describe('ContextStore: the context in RAM', () => {
  it('the USIM inserted at power-on is the one used; a power loss leaves state off and no context', () => {
    const s = boot(newUsim(), new MemoryMedium(4096));
    expect(s.cs.usim).toBe(s.usim);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.powerLoss();
    expect(s.cs.state).toBe('off');
    expect(s.cs.current).toBeNull();
  });
  it('ME NVM with nothing stored: power-on says "nothing stored", stored() is "not valid, no content" in ME', () => {
    const s = boot(newUsim([]), new MemoryMedium(4096));
    expect(s.r.reason).toBe('nothing stored');
    expect(s.cs.stored()).toEqual({ valid: false, content: null, location: 'me' });
  });
  it('a failed registration and a normal de-registration keep the context they were given (a copy) as current; none → none', () => {
    const s = boot(newUsim(), new MemoryMedium(4096));
    s.cs.beginRegistration();
    s.cs.registrationFailed(A2);
    expect(s.cs.current).toEqual(A2);
    s.cs.beginRegistration();
    s.cs.registrationFailed(null);
    expect(s.cs.current).toBeNull();
    s.cs.deregister('normal', { ...A2, kamf: A2.kamf.slice() });
    expect(s.cs.current).toEqual(A2);
    const got = s.cs.current!;
    got.kamf.fill(0); // the caller's copy: the store's KAMF is not changed through it
    expect(s.cs.current!.kamf).toEqual(fill(32, 0xaa));
    s.cs.deregister('normal', null);
    expect(s.cs.current).toBeNull();
  });
});
