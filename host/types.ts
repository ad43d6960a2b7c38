/**
 * Types and values every layer of the host shares, one definition each (the bottom layer: it
 * imports nothing).
 */

/** The access a NAS connection runs over (TS 24.501 4.4.2.1: one NAS security context, a COUNT
 *  pair per access); also the DF5GS file pair of an access (TS 31.102 4.4.11). The firmware's
 *  access argument is 1 for 3GPP, 2 for non-3GPP (the NAS connection identifier, TS 33.501 6.4.2.2). */
export type Access = '3gpp' | 'non3gpp';
export const ACCESSES: readonly Access[] = ['3gpp', 'non3gpp'];

/** SRVCC from 5G to UTRAN CS. `mme-derive`: published (A.21 at the AMF, TS 33.401 A.12 at
 *  MME_SRVCC); `mme-concat`: draft change request, the MME splits the AMF's key into CK ‖ IK;
 *  `direct`: draft, AMF–MSC server interface. The order is the firmware's variant number. */
export type SrvccVariant = 'mme-derive' | 'mme-concat' | 'direct';
export const SRVCC_VARIANTS: readonly SrvccVariant[] = ['mme-derive', 'mme-concat', 'direct'];

/** 2^32 − 1, the one COUNT value that is no NAS COUNT (those are 24 bits, TS 33.501 6.4.3.1):
 *  in a firmware output it means "no COUNT" (a message sent unprotected, no DL COUNT verified;
 *  assembly COUNT_INVALID); as a KDF input it is the COUNT that TS 33.401 A.3 and TS 33.501
 *  8.3.2/8.4 use at handover. */
export const NO_COUNT = 0xffffffff;
