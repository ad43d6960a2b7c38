// Reading a scenario's trace in the procedure tests: the steps whose event matches, exactly one of
// them, and a copy of some bytes with one bit flipped (the fault the trace tests inject).
import { expect } from 'vitest';
import type { TraceStep } from '../../host/trace.js';

export const steps = (t: TraceStep[], re: RegExp) => t.filter((x) => re.test(x.event));
export const step = (t: TraceStep[], re: RegExp) => {
  const s = steps(t, re);
  expect(s, String(re)).toHaveLength(1);
  return s[0];
};
export const flip = (b: Uint8Array, i = 0) => { const c = b.slice(); c[i] ^= 1; return c; };
