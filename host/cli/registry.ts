/** Shapes shared by the CLI command modules. */
import type { Variant } from '../firmware/variant.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code; throws UsageError/InputError for bad input (exit 2). `variant` is the
   *  build the user named with the global --variant, null when none was named (the process default
   *  then applies: computations use it; `abi` describes the small build, the README's). */
  run(argv: string[], variant?: Variant | null): number | Promise<number>;
}

/** One `ue-keys batch` op: gets the parsed JSON object, returns the result object. */
export interface BatchOp {
  op: string;
  run(o: Record<string, any>): Record<string, unknown> | Promise<Record<string, unknown>>;
}
