// The firmware mutants (issue 16): one-line changes of assembly/*.ts found by the operators below,
// shared by the runner (host/tools/mutate-firmware.mjs) and its schema renderer (schema.mjs).

/** Functions whose call statements wipe key material or set state flags: removing one must be
 *  caught (retired keys are zeroed; a rejected call changes no state). */
const REMOVABLE = /\b(?:wipe|ctxWipe|setUeFlag|setCounts|acceptDl|ulCountAdvance|zeroTail|clearTailBits)\([^;]*\);|\bstore<u8>\([^;]*(?:FLAGS|Flag)[^;]*\);/g;
/** Calls whose first two arguments commute by construction (tests/MUTANTS.md): swapping them is
 *  an equivalent mutant, so it is not generated. fits(off, len, R) is off ≤ R ∧ len ≤ R − off,
 *  i.e. off + len ≤ R without overflow (inMailbox and the USIM module's inRange are fits over
 *  IO_IN); equalCt compares two buffers. */
const SYMMETRIC = new Set(['inMailbox', 'inRange', 'fits', 'equalCt']);
const CMP = { '<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '==' };

/** The code part of each line (comments blanked out, same length), or null for lines that hold
 *  no mutable code (imports, decorators). */
function codeLines(src) {
  const lines = src.split('\n');
  let inBlock = false;
  return lines.map((line) => {
    let out = '';
    for (let i = 0; i < line.length; i++) {
      if (inBlock) { if (line.startsWith('*/', i)) { inBlock = false; out += '  '; i++; } else out += ' '; continue; }
      if (line.startsWith('/*', i)) { inBlock = true; out += '  '; i++; continue; }
      if (line.startsWith('//', i)) { out += ' '.repeat(line.length - i); break; }
      if (line[i] === '"' || line[i] === "'") { // string literal: copied, never mutated
        const q = line[i]; let j = i + 1;
        while (j < line.length && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
        out += ' '.repeat(Math.min(j, line.length - 1) - i + 1); i = j; continue;
      }
      out += line[i];
    }
    const t = out.trim();
    if (!t || /^(import|export \*|export \{|@)/.test(t)) return null;
    return out;
  });
}

/** The mutants of one file; rel is its path from the project root (the mutant ids hold it). */
export function mutantsOf(rel, src) {
  const lines = src.split('\n'), code = codeLines(src), out = [];
  const add = (line, col, len, repl, op) => {
    const text = lines[line];
    out.push({ file: rel, line: line + 1, col: col + 1, op, from: text.slice(col, col + len), to: repl, original: text.trim(), lead: text.length - text.trimStart().length,
      mutated: (text.slice(0, col) + repl + text.slice(col + len)).trim() });
  };
  code.forEach((c, i) => {
    if (c === null) return;
    // numeric constants (FC values, lengths, masks, table entries): 0 → 1, 1 → 0, n → n + 1.
    // A table row (more than 4 literals) contributes its first and last entry only.
    const nums = [...c.matchAll(/(?<![\w.])(0x[0-9a-fA-F]+|\d+)(?![\w.])/g)];
    const pick = nums.length > 4 ? [nums[0], nums[nums.length - 1]] : nums;
    for (const m of pick) {
      const v = Number(m[1]);
      if (!Number.isSafeInteger(v)) continue;
      const nv = v === 0 ? 1 : v === 1 ? 0 : v + 1;
      add(i, m.index, m[1].length, m[1].startsWith('0x') ? '0x' + nv.toString(16) : String(nv), 'number');
    }
    // comparison and boundary operators (spaced, so generics <u8> and shifts are never hit)
    for (const m of c.matchAll(/ (<=|>=|==|!=|<|>) /g)) add(i, m.index + 1, m[1].length, CMP[m[1]], 'compare');
    // off by one / sign: a + b ↔ a - b, ++ ↔ --, += ↔ -=
    for (const m of c.matchAll(/ ([+-]) (?!=)/g)) add(i, m.index + 1, 1, m[1] === '+' ? '-' : '+', 'arith');
    for (const m of c.matchAll(/(\+\+|--)/g)) add(i, m.index, 2, m[1] === '++' ? '--' : '++', 'arith');
    for (const m of c.matchAll(/ (\+=|-=) /g)) add(i, m.index + 1, 2, m[1] === '+=' ? '-=' : '+=', 'arith');
    // swapped arguments: the first two of a call with 2 or 3 simple arguments
    for (const m of c.matchAll(/\b([A-Za-z_]\w*)(?:<\w+>)?\(([^(),]+), ([^(),]+)(, [^(),]+)?\)/g)) {
      const [a, b] = [m[2].trim(), m[3].trim()];
      if (a === b || SYMMETRIC.has(m[1])) continue;
      const start = m.index + m[0].indexOf('(') + 1, len = m[2].length + 2 + m[3].length;
      add(i, start, len, `${m[3]}, ${m[2]}`, 'swap-args');
    }
    // flipped boolean literals (flag arguments such as "DL COUNT accepted")
    for (const m of c.matchAll(/\b(true|false)\b/g)) add(i, m.index, m[1].length, m[1] === 'true' ? 'false' : 'true', 'bool');
    // removed wipe / flag statements
    for (const m of c.matchAll(REMOVABLE)) add(i, m.index, m[0].length, '{}', 'remove-statement');
  });
  return out;
}

/** The source with mutant m applied (a plain object, so it can be sent to a lane process). */
export function applyMutant(m, src) {
  const ls = src.split('\n'), t = ls[m.line - 1], c = m.col - 1;
  if (t.slice(c, c + m.from.length) !== m.from) throw new Error(`${idOf(m)} does not match the source`);
  ls[m.line - 1] = t.slice(0, c) + m.to + t.slice(c + m.from.length);
  return ls.join('\n');
}

export function idOf(m) { return `${m.file}:${m.line}:${m.col} ${m.op} ${JSON.stringify(m.from)}→${JSON.stringify(m.to)}`; }
