// Mutant schemata for the firmware mutation runner (issue 16): all of one file's mutants compiled
// into one module behind a switch, so a mutant costs a test run instead of a compile (asc is most
// of a killed mutant's time: 2–6 modules at ~0.5 s each).
//
// Each mutated AST node (a literal, a binary or unary operator, a call, a statement) becomes a
// *site*; its text is rendered as
//   expression:  (__mutant == 3 ? (<the mutant's text>) : __mutant == 7 ? (…) : (<original>))
//   statement:   { if (__mutant == 3) { <the mutant's text> } else { <original> } }
// The mutant's branch holds the raw source of the site with only that mutant applied, and the
// original branch holds the site with its nested sites rendered: with the switch at k, control
// reaches site k through the original branches of every enclosing site, and inside it runs the
// unmutated source with that one change — the module behaves as the single mutant's build.
//
// The switch is a mutable global of the mutated file, `let __mutant: i32 = SENTINEL`, never
// written, so the -O0 build keeps it as a global whose init expression is patched in the binary
// per mutant (a padded 5-octet LEB128 keeps the module's size and layout). Only sites inside
// function bodies are rendered (a top-level constant may size a region or feed another
// constant); a site the compiler rejects (an immediate offset of load/store, a constant
// argument) is dropped after the compile error that names it, and its mutant is built alone.
export const SWITCH = '__mutant';
const SENTINEL = 0x7ffffff0; // i32.const 2147483632: a 5-octet LEB128 in the global section

let as;
async function parser() {
  as ??= await import(new URL('../../../node_modules/assemblyscript/dist/assemblyscript.js', import.meta.url).href);
  return as;
}

/** Every AST node of the file with its parent, in source order. */
function nodesOf(statements) {
  const out = [];
  const walk = (n, parent) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { for (const x of n) walk(x, parent); return; }
    if (typeof n.kind !== 'number' || !n.range) return;
    out.push({ n, parent });
    for (const [k, v] of Object.entries(n)) if (k !== 'range' && k !== 'parent' && v && typeof v === 'object') walk(v, n);
  };
  walk(statements, null);
  return out;
}

/** Offset of a 1-based line and column in text. */
const offsetOf = (text, line, col) => {
  let o = 0;
  for (let i = 1; i < line; i++) o = text.indexOf('\n', o) + 1;
  return o + col - 1;
};

/**
 * The sites of a file: for each mutant index, the node range it lives in (or none: it is built
 * alone). mutants are the runner's (line, col, from, to) for this file, in the runner's order.
 */
export async function sitesOf(file, text, mutants) {
  const a = await parser();
  const NK = a.NodeKind;
  const program = a.newProgram(a.newOptions());
  a.parse(program, text, file, true);
  const source = program.sources.find((s) => s.normalizedPath === file.replace(/\.ts$/, '') || s.normalizedPath === file);
  if (!source) return null;
  const all = nodesOf(source.statements);
  const parent = new Map(all.map(({ n, parent: p }) => [n, p]));
  const inBody = (n) => { // inside a function body, not in a top-level declaration's initializer
    for (let p = parent.get(n); p; p = parent.get(p)) {
      if (p.kind === NK.Block && [NK.FunctionDeclaration, NK.MethodDeclaration, NK.Function].includes(parent.get(p)?.kind)) return true;
      if (p.kind === NK.Decorator) return false;
    }
    return false;
  };
  const at = (kinds, pred) => all.filter(({ n }) => kinds.includes(n.kind) && pred(n)).map(({ n }) => n);
  const innermost = (ns) => ns.sort((x, y) => (x.range.end - x.range.start) - (y.range.end - y.range.start))[0];
  const sites = new Map(); // "start:end" → { start, end, statement, variants: [{ k, index }] }
  const siteOfMutant = new Array(mutants.length).fill(null);
  mutants.forEach((m, index) => {
    const off = offsetOf(text, m.line, m.col);
    let node = null;
    // a literal above i32's range turns the ternary's type (and the original branch's) into i64:
    // `let x = 0x7fffffff` would then not wrap as it does alone — such mutants are built alone
    if (m.op === 'number' && Math.max(Number(m.from), Number(m.to)) >= 0x7fffffff) return;
    if (m.op === 'number') node = innermost(at([NK.Literal], (n) => n.range.start === off && n.range.end === off + m.from.length));
    else if (m.op === 'bool') node = innermost(at([NK.True, NK.False], (n) => n.range.start === off));
    else if (m.op === 'compare' || (m.op === 'arith' && /^[+-]=?$/.test(m.from))) {
      node = innermost(at([NK.Binary], (n) => n.left.range.end <= off && off < n.right.range.start));
    } else if (m.op === 'arith') node = innermost(at([NK.UnaryPostfix, NK.UnaryPrefix], (n) => off >= n.range.start && off + 2 <= n.range.end
      && (n.kind === NK.UnaryPrefix ? off === n.range.start : off + 2 === n.range.end)));
    else if (m.op === 'swap-args') node = innermost(at([NK.Call], (n) => n.args.length >= 2 && n.args[0].range.start === off));
    else if (m.op === 'remove-statement') node = innermost(at([NK.Expression], (n) => n.range.start === off));
    if (!node || !inBody(node)) return;
    // an expression that is a whole statement is rendered as the statement (with its ';')
    let statement = node.kind === NK.Expression;
    if (!statement && parent.get(node)?.kind === NK.Expression && parent.get(node).expression === node) { node = parent.get(node); statement = true; }
    let { start, end } = node.range;
    if (statement) { let e = end; while (text[e] === ' ') e++; if (text[e] === ';') end = e + 1; }
    // the mutant must lie inside its site (the runner's regexes and the parser agree)
    if (off < start || off + m.from.length > end) return;
    const key = `${start}:${end}`;
    if (!sites.has(key)) sites.set(key, { start, end, statement, variants: [] });
    const site = sites.get(key);
    site.statement ||= statement;
    site.variants.push({ k: index + 1, index, off });
    siteOfMutant[index] = key;
  });
  return { sites, siteOfMutant };
}

/**
 * The schema source: text with every site not in `dropped` rendered, plus the switch. Returns
 * the text and, per site key, its rendered [start, end) in the output (to map compile errors back).
 */
export function renderSchema(text, mutants, sites, dropped = new Set()) {
  const list = [...sites.entries()].filter(([key]) => !dropped.has(key))
    .map(([key, s]) => ({ key, ...s })).sort((x, y) => x.start - y.start || y.end - x.end);
  const spans = new Map();
  let out = '';
  const emit = (s) => { out += s; };
  const render = (from, to, inside) => {
    let pos = from;
    for (let i = 0; i < inside.length; i++) {
      const s = inside[i];
      emit(text.slice(pos, s.start));
      const nested = [];
      let j = i + 1;
      for (; j < inside.length && inside[j].start < s.end; j++) nested.push(inside[j]);
      const begin = out.length;
      const variant = (v) => { // the raw site with this one mutant applied
        const m = mutants[v.index], rel = v.off - s.start, raw = text.slice(s.start, s.end);
        return raw.slice(0, rel) + m.to + raw.slice(rel + m.from.length);
      };
      if (s.statement) {
        emit('{ ');
        for (const v of s.variants) emit(`if (${SWITCH} == ${v.k}) { ${variant(v)} } else `);
        emit('{ '); render(s.start, s.end, nested); emit(' } }');
      } else {
        emit('(');
        for (const v of s.variants) emit(`${SWITCH} == ${v.k} ? (${variant(v)}) : `);
        emit('('); render(s.start, s.end, nested); emit('))');
      }
      spans.set(s.key, [begin, out.length]);
      pos = s.end;
      i = j - 1;
    }
    emit(text.slice(pos, to));
  };
  render(0, text.length, list);
  out += `\n// mutation runner: the switch of this file's mutant schema\nlet ${SWITCH}: i32 = ${SENTINEL};\n`;
  return { text: out, spans };
}

/** The sites a compile error names: asc reports "in FILE(line,col)"; the innermost rendered site
 *  around each position in the schema file, or null when an error lies elsewhere. */
export function sitesOfErrors(errText, file, schemaText, spans) {
  const hits = new Set();
  let foreign = false;
  // only the errors (asc also prints warnings, each a block from its WARNING line)
  const errors = errText.split(/^(?=(?:ERROR|WARNING|INFO)\b)/m).filter((b) => b.startsWith('ERROR')).join('\n');
  for (const m of errors.matchAll(/in (\S+?)\((\d+),(\d+)\)/g)) {
    if (m[1] !== file) { foreign = true; continue; }
    const off = offsetOf(schemaText, Number(m[2]), Number(m[3]));
    let best = null;
    for (const [key, [b, e]] of spans) if (off >= b && off < e && (!best || e - b < best[1])) best = [key, e - b];
    if (best) { hits.add(best[0]); continue; }
    // the error names an expression that holds sites (`ZSB + 256` as load's immediate offset): the
    // sites that start after it on the same line are dropped
    const lineEnd = schemaText.indexOf('\n', off) < 0 ? schemaText.length : schemaText.indexOf('\n', off);
    const after = [...spans].filter(([, [b]]) => b >= off && b < lineEnd).map(([key]) => key);
    if (after.length) for (const key of after) hits.add(key); else foreign = true;
  }
  return foreign || !hits.size ? null : hits;
}

/** Offset of the switch's i32.const immediate (5 octets), or -1. The switch's init expression
 *  `i32.const 0x7ffffff0; end` is found as its encoded octets, which must occur exactly once in
 *  the module (host/inspect/wasm.ts stays the project's one wasm reader: no LEB128 decoding here). */
export function switchOffset(bytes) {
  const pattern = [0x41, 0xf0, 0xff, 0xff, 0xff, 0x07, 0x0b]; // i32.const SENTINEL (signed LEB128), end
  let found = -1;
  for (let i = bytes.indexOf(pattern[0]); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(pattern[0], i + 1)) {
    if (pattern.every((x, j) => bytes[i + j] === x)) { if (found >= 0) return -1; found = i + 1; }
  }
  return found;
}

/** The module with the switch at k (0: no mutant). */
export function withSwitch(bytes, at, k) {
  const b = Buffer.from(bytes);
  for (let i = 0; i < 4; i++) b[at + i] = ((k >>> (7 * i)) & 0x7f) | 0x80;
  b[at + 4] = (k >>> 28) & 0x07;
  return b;
}

/**
 * Compiles a file's schema until it builds (mutate-firmware's per-file step, here so that it can be
 * tested with a stand-in compiler). `compile(text, mod)` builds module `mod` with the file's text
 * replaced and returns `{ bytes }` or `{ errors }` (asc's text); `layoutDiffers(bytes, mod)` says why
 * the module with the switch at 0 is not laid out as the release build (or a falsy value). A
 * compile error that names sites drops them (their mutants are built alone) and the schema is
 * compiled again, at most `attempts` times; an error the schema cannot place, a missing switch or
 * a layout that moved gives null (every mutant of the file is built alone).
 * Returns { ids: mutant id → switch value (index + 1), mods: module → bytes, at: module → switch
 * offset, dropped: site keys } or null.
 */
export async function buildSchema({ file, text, mutants, sites, mods, compile, layoutDiffers, idOf, attempts = 12 }) {
  if (!sites) return null;
  const dropped = new Set();
  for (let attempt = 0; sites.sites.size > dropped.size && attempt < attempts; attempt++) {
    const { text: schemaText, spans } = renderSchema(text, mutants, sites.sites, dropped);
    const built = {};
    let errors = null;
    for (const mod of mods) {
      const r = await compile(schemaText, mod);
      if (!r.bytes) { errors = r.errors ?? ''; break; }
      built[mod] = r.bytes;
    }
    if (errors !== null) {
      const hit = sitesOfErrors(errors, file, schemaText, spans);
      if (!hit) return null;
      for (const key of hit) dropped.add(key);
      continue;
    }
    const at = {};
    for (const mod of mods) {
      at[mod] = switchOffset(built[mod]);
      if (at[mod] < 0 || layoutDiffers(withSwitch(built[mod], at[mod], 0), mod)) return null;
    }
    const ids = new Map();
    mutants.forEach((m, i) => { const key = sites.siteOfMutant[i]; if (key && !dropped.has(key)) ids.set(idOf(m), i + 1); });
    return { ids, mods: built, at, dropped };
  }
  return null;
}
