// Function codes (FC) of the TS 33.220 Annex B.2 KDF, one per derivation, named after the clause
// that allocates them. Never an unnamed FC value anywhere else (STYLE 5).

// TS 33.501 Annex A (range 0x69–0x79, 0x7B–0x7D, 0x83–0x84; A.1.2)
export const FC_ALG_KEY_5G: u32 = 0x69;      // A.8  KNASenc/KNASint, KRRC*, KUP*
export const FC_KAUSF: u32 = 0x6a;           // A.2  KAUSF (5G AKA)
export const FC_RES_STAR: u32 = 0x6b;        // A.4  RES*, XRES*
export const FC_KSEAF: u32 = 0x6c;           // A.6  KSEAF
export const FC_KAMF: u32 = 0x6d;            // A.7  KAMF
export const FC_KGNB_KN3IWF: u32 = 0x6e;     // A.9  KgNB, KN3IWF
export const FC_NH_5G: u32 = 0x6f;           // A.10 NH
export const FC_KNG_RAN_STAR_GNB: u32 = 0x70;   // A.11 KNG-RAN* for a target gNB
export const FC_KNG_RAN_STAR_NG_ENB: u32 = 0x71; // A.12 KNG-RAN* for a target ng-eNB
export const FC_KAMF_PRIME: u32 = 0x72;      // A.13 KAMF′ (mobility and N2 handover)
export const FC_KASME_PRIME_IDLE: u32 = 0x73;   // A.14.1 K′ASME, 5G→EPS idle mobility
export const FC_KASME_PRIME_HO: u32 = 0x74;     // A.14.2 K′ASME, 5G→EPS handover
export const FC_KAMF_FROM_KASME_IDLE: u32 = 0x75; // A.15.1 K′AMF, EPS→5G idle mobility
export const FC_KAMF_FROM_KASME_HO: u32 = 0x76;   // A.15.2 K′AMF, EPS→5G handover
export const FC_KSN: u32 = 0x79;             // A.16 KSN (dual connectivity)
export const FC_KASME_SRVCC: u32 = 0x7d;     // A.21 KASME_SRVCC (SRVCC 5G→UTRAN)

// TS 33.402 Annex A.2 (used by TS 33.501 A.3 for EAP-AKA′)
export const FC_CK_IK_PRIME: u32 = 0x20;     // CK′, IK′

// TS 33.401 Annex A (EPS; interworking and SRVCC)
export const FC_KASME: u32 = 0x10;           // A.2  KASME
export const FC_KENB: u32 = 0x11;            // A.3  KeNB
export const FC_NH_EPS: u32 = 0x12;          // A.4  NH
export const FC_KENB_STAR: u32 = 0x13;       // A.5  KeNB* (horizontal/vertical handover)
export const FC_ALG_KEY_EPS: u32 = 0x15;     // A.7  NAS/RRC/UP algorithm keys
export const FC_CK_IK_SRVCC: u32 = 0x1a;     // A.12 CKSRVCC ‖ IKSRVCC (E-UTRAN → UTRAN SRVCC)
export const FC_S_KGNB: u32 = 0x1c;          // A.19 S-KgNB (EN-DC secondary key)

// TS 33.501 A.8 / TS 33.401 A.7 algorithm type distinguishers
export const ALG_DIST_NAS_ENC: u32 = 0x01;
export const ALG_DIST_NAS_INT: u32 = 0x02;
export const ALG_DIST_RRC_ENC: u32 = 0x03;
export const ALG_DIST_RRC_INT: u32 = 0x04;
export const ALG_DIST_UP_ENC: u32 = 0x05;
export const ALG_DIST_UP_INT: u32 = 0x06;

// TS 33.501 A.9 access type distinguishers
export const ACCESS_3GPP: u32 = 0x01;
export const ACCESS_NON_3GPP: u32 = 0x02;

// TS 33.501 A.13 DIRECTION: 0x00 idle mobility (UL NAS COUNT), 0x01 handover (DL NAS COUNT)
export const DIRECTION_IDLE_UL: u32 = 0x00;
export const DIRECTION_HANDOVER_DL: u32 = 0x01;
