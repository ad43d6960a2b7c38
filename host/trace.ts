/**
 * The message-sequence trace of a procedure run: every message on the air or between network
 * functions, with the keys, COUNTs and stored bytes each side holds at that step.
 */
import { toHex } from './hex.js';

export type Actor = 'UE' | 'USIM' | 'source AMF' | 'target AMF' | 'AUSF' | 'MME' | 'MSC server' | 'AMF';

export interface TraceStep {
  n: number;
  from: Actor;
  to?: Actor;
  event: string;
  clause?: string;
  message?: string;                         // hex of the message as sent
  values: Record<string, string | number | boolean | null>;
}

export class Trace {
  readonly steps: TraceStep[] = [];
  add(from: Actor, event: string, values: Record<string, Uint8Array | string | number | boolean | null | undefined> = {}, extra: { to?: Actor; clause?: string; message?: Uint8Array } = {}): void {
    const v: TraceStep['values'] = {};
    for (const [k, x] of Object.entries(values)) if (x !== undefined) v[k] = x instanceof Uint8Array ? toHex(x) : x;
    this.steps.push({ n: this.steps.length + 1, from, to: extra.to, event, clause: extra.clause, message: extra.message && toHex(extra.message), values: v });
  }

  /** Human-readable message sequence. */
  render(): string {
    const lines: string[] = [];
    for (const s of this.steps) {
      const arrow = s.to ? `${s.from} → ${s.to}` : s.from;
      lines.push(`${String(s.n).padStart(3)}. ${arrow}: ${s.event}${s.clause ? `  [${s.clause}]` : ''}`);
      if (s.message) lines.push(`       msg ${s.message}`);
      for (const [k, v] of Object.entries(s.values)) lines.push(`       ${k.padEnd(22)} ${v}`);
    }
    return lines.join('\n');
  }
}
