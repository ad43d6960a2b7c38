/** Run test purposes: a fresh system simulator per TP, the Then checked, one verdict each. */
import { redact } from '../errors.js';
import { Fail, SystemSimulator } from './ss.js';
import type { TestPurpose, TpResult } from './types.js';
import type { Variant } from '../firmware/variant.js';

/** Run one test purpose; `ss` replaces the fresh default SS (tests pass a deliberately broken UE);
 *  `build` is the firmware build of a fresh SS (default: the process-wide default variant). */
export function runTp(tp: TestPurpose, ss?: SystemSimulator, build?: Variant): TpResult {
  if (tp.scope === 'OUT') return { verdict: 'not applicable', detail: tp.outReason ?? 'out of scope' };
  if (!tp.run) return { verdict: 'fail', detail: 'no run' };
  try {
    const r = tp.run(ss ?? new SystemSimulator({ build }));
    return typeof r === 'string' ? { verdict: 'pass', detail: r } : r;
  } catch (e) {
    if (e instanceof Fail) return { verdict: 'fail', detail: e.message };
    // an exception from the UE model is a failed TP too, never a crash of the runner
    return { verdict: 'fail', detail: `the UE model threw ${(e as Error)?.name ?? 'an error'}: ${redact(String((e as Error)?.message ?? e)).split('\n')[0]}` };
  }
}

/** Exit code of a run: 1 if any IN, PART or gap test purpose failed. */
export const exitCode = (results: { tp: TestPurpose; result: TpResult }[]) => (results.some((r) => r.tp.scope !== 'OUT' && r.result.verdict === 'fail') ? 1 : 0);
