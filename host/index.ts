/**
 * ue-keys public API. `await load()` instantiates the ME firmware module once (the fast build unless
 * `{ variant: 'small' }` or UE_KEYS_VARIANT=small says otherwise); everything after that is synchronous. Uint8Array in and out; bad input throws a named InputError, a firmware
 * status a typed FirmwareError subclass. No caller ever sees a pointer or a view into module memory.
 */
import { instantiate, instantiateSync } from './firmware/loader.js';
import { KeyDerivation } from './firmware/keys.js';
import { variantFile, variantOf, type VariantOptions } from './firmware/variant.js';

export * from './errors.js';
export { KeyDerivation, supiValue } from './firmware/keys.js';
export type { CellTarget, MobilityMode } from './firmware/keys.js';
export { KdfKey } from './firmware/kdf-key.js';
export type { Access, SrvccVariant } from './types.js';
export { kdfRef, ref as reference } from './reference/kdf.js';
export { nea2Ref, nia2Ref, aesCmacBits } from './reference/nas.js';
export { fromHex, toHex } from './hex.js';

export { VARIANTS, DEFAULT_VARIANT, defaultVariant, type Variant, type VariantOptions } from './firmware/variant.js';

/** Options of {@link load} / {@link loadSync}. */
export type LoadOptions = VariantOptions;

/** Instantiate the ME firmware — build/ue-fast.wasm (`variant: 'fast'`, the default) or
 *  build/ue.wasm (`'small'`, the baseband-sized build) — and return the typed key-derivation API.
 *  A bad `options` or `variant` throws InputError naming it. */
export async function load(options?: LoadOptions): Promise<KeyDerivation> {
  const variant = variantOf(options);
  return new KeyDerivation(await instantiate(variantFile('ue', variant)));
}

/** Synchronous form of {@link load}. */
export function loadSync(options?: LoadOptions): KeyDerivation { return new KeyDerivation(instantiateSync(variantFile('ue', variantOf(options)))); }

// Firmware-level UE, USIM and procedure models (see README): for host-driven tests and tools.
export { UeFirmware, type NasContext, type SmcResult, type Slot } from './firmware/ue-firmware.js';
export { UeDevice } from './ue/ue-device.js';
export { Usim } from './usim/usim.js';
export { UsimModule } from './firmware/usim-module.js';
export { UeAka, servingNetworkName } from './ue/ue-aka.js';
export { Udm, Ausf, Seaf, Amf, NetworkNasContext } from './network/index.js';
// SUCI Profile A/B (TS 33.501 Annex C): the SIDF (deconceal) and the UE side (conceal), node:crypto
export { concealSupi, deconcealSuci, loadHomeNetworkKey, homeNetworkPublicKey, SuciMacError, type ConcealedSuci, type HomeNetworkKey, type HomeNetworkPublicKey } from './network/index.js';
export { suciNullScheme, suciProtected, decodeSuci } from './nas/identity.js';
export { runMobility, type MobilityOptions, type MobilitySummary } from './scenarios/mobility.js';
export { nasMac, nasCipher } from './firmware/nas-algorithms.js';
export * as messages from './nas/messages.js';
