/** Shapes shared by the CLI command modules. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code; throws UsageError/InputError for bad input (exit 2). */
  run(argv: string[]): number | Promise<number>;
}

/** One `ue-keys batch` op: gets the parsed JSON object, returns the result object. */
export interface BatchOp {
  op: string;
  run(o: Record<string, any>): Record<string, unknown> | Promise<Record<string, unknown>>;
}
