/** The network-side models, written with node:crypto only. */
export { Udm, type Subscription } from './udm.js';
export { Ausf, Seaf } from './ausf.js';
export { Amf, type ContextTransfer, type RetentionPolicy } from './amf.js';
export { NetworkNasContext } from './nas-security.js';
export { EapAusf, atMac, type EapChallengeOptions, type EapServerStep } from './ausf-eap.js';
export { concealSupi, deconcealSuci, loadHomeNetworkKey, homeNetworkPublicKey, SuciMacError, type ConcealedSuci, type HomeNetworkKey, type HomeNetworkPublicKey, type SuciProfile } from './suci-profiles.js';
