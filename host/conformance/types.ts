/**
 * Test purposes of the conformance runner (TS 38.523-1 / TS 36.523-1 test purposes restated in the
 * project's UE-conformance digest, and the requirement-based "Gaps" cases G1–G14).
 */
import type { SystemSimulator } from './ss.js';

export type Scope = 'IN' | 'PART' | 'OUT' | 'GAP';
export type Verdict = 'pass' | 'fail' | 'not applicable';

export interface TpResult { verdict: Verdict; detail: string }

export interface TestPurpose {
  /** '38.523-1 9.1.2.1 TP1', '36.523-1 22.5.2 TP3', or for a gap 'TS 24.501 5.4.1.3.5 (G3)'. */
  id: string;
  title: string;
  scope: Scope;
  /** The clause the Then is checked against. */
  clause: string;
  /** What the check covers (one line, for the README table). */
  checks: string;
  /** OUT test purposes: why they are outside a key-handling model. */
  outReason?: string;
  run?(ss: SystemSimulator): TpResult | string;
}

/** An OUT test purpose: listed, verdict "not applicable" with the reason. */
export function out(id: string, title: string, clause: string, reason: string): TestPurpose {
  return { id, title, scope: 'OUT', clause, checks: '–', outReason: reason };
}
