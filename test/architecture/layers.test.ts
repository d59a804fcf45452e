import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../support/fixtures.js';

/** One import, static or dynamic, as written in a source file. */
interface ImportEdge {
  /** Repository-relative, forward slashes. */
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative target for a relative specifier that names an existing file. */
  readonly to: string | undefined;
  readonly line: number;
  /** Erased at compile time: `import type`, `export type`, or every specifier `type`. */
  readonly typeOnly: boolean;
}

const posix = (p: string): string => p.split(sep).join('/');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `./x.js` in source names `./x.ts` on disk (NodeNext resolution). */
function resolveTarget(fromAbs: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const abs = resolve(dirname(fromAbs), specifier);
  const candidates = [abs.replace(/\.js$/, '.ts'), abs.replace(/\.mjs$/, '.mts'), abs, `${abs}.ts`, join(abs, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return hit === undefined ? undefined : posix(relative(ROOT, hit));
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function importsOf(fileAbs: string): ImportEdge[] {
  const text = readFileSync(fileAbs, 'utf8');
  const sf = ts.createSourceFile(fileAbs, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const from = posix(relative(ROOT, fileAbs));
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    edges.push({ from, specifier, to: resolveTarget(fileAbs, specifier), line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, isTypeOnlyExport(node));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text, false);
      else add(node, `<computed: ${node.getText(sf)}>`, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true); // `import('x').T` in a type position
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

const FILES = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'checks'))].sort();
const EDGES = FILES.flatMap(importsOf);

const show = (e: ImportEdge): string => `${e.from}:${e.line} imports${e.typeOnly ? ' type' : ''} '${e.specifier}'${e.to ? ` (${e.to})` : ''}`;
const under = (path: string | undefined, ...prefixes: string[]): boolean =>
  path !== undefined && prefixes.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));

/**
 * What src/core may import from outside itself, and only with `import type`: STYLE.md lets core
 * know `Host` as a type and nothing else.
 */
/**
 * Type-only imports core may make: erased at compile time, so core still runs nothing of them.
 * A check's `collect` is typed by the probe context it receives, and the verdict reads packet
 * records as the decoder defines them.
 */
const CORE_TYPE_IMPORTS_ALLOWED = new Set(['src/host/host.ts', 'src/probes/context.ts', 'src/capture/record.ts']);
/** What src/core must not reach: everything that touches a machine or sits above the model. */
const OUTSIDE_CORE = ['src/host/', 'src/probes/', 'src/capture/', 'src/report/', 'src/commands/', 'src/cli/', 'src/cli.ts', 'src/bin.ts', 'checks/'];
const PROCESS_MODULES = new Set(['node:child_process', 'child_process', 'execa']);

describe('architecture: layers (STYLE.md)', () => {
  it('finds the source files and their imports', () => {
    expect(FILES.some((f) => f.includes(`${sep}src${sep}core${sep}`)), 'no files under src/core').to.be.true;
    expect(FILES.some((f) => f.includes(`${sep}checks${sep}`)), 'no files under checks/').to.be.true;
    expect(EDGES.length).to.be.greaterThan(FILES.length);
  });

  it('src/core imports no host, probes, capture, report, commands, cli or checks module (Host only as a type)', () => {
    const bad = EDGES.filter(
      (e) => under(e.from, 'src/core/') && under(e.to, ...OUTSIDE_CORE) && !(e.typeOnly && CORE_TYPE_IMPORTS_ALLOWED.has(e.to!)),
    );
    expect(bad.map(show), `src/core reaches outside the model:\n  ${bad.map(show).join('\n  ')}\n`).to.deep.equal([]);
  });

  it('checks/ imports only src/core, src/probes and other checks/ files', () => {
    const bad = EDGES.filter((e) => under(e.from, 'checks/') && e.specifier.startsWith('.') && !under(e.to, 'src/core/', 'src/probes/', 'checks/'));
    expect(bad.map(show), `checks/ imports outside src/core and src/probes:\n  ${bad.map(show).join('\n  ')}\n`).to.deep.equal([]);
  });

  it('src/causes is pure like src/core: no host, probes (but types), capture, engine, report, commands or cli module', () => {
    const bad = EDGES.filter((e) => under(e.from, 'src/causes/') && (
      under(e.to, 'src/host/', 'src/capture/', 'src/engine/', 'src/report/', 'src/commands/', 'src/cli/', 'src/cli.ts', 'src/bin.ts', 'checks/')
      || (under(e.to, 'src/probes/') && !e.typeOnly)
      || PROCESS_MODULES.has(e.specifier) || e.specifier.startsWith('node:')));
    expect(bad.map(show), `src/causes reaches a machine:\n  ${bad.map(show).join('\n  ')}\n`).to.deep.equal([]);
  });

  it('only src/host imports node:child_process or execa', () => {
    const bad = EDGES.filter((e) => PROCESS_MODULES.has(e.specifier) && !e.typeOnly && !under(e.from, 'src/host/'));
    expect(bad.map(show), `process spawning outside src/host:\n  ${bad.map(show).join('\n  ')}\n`).to.deep.equal([]);
  });

  it('every dynamic import outside src/host names its module literally', () => {
    // A computed import() escapes the checks above; src/host may load guest job modules by path.
    const bad = EDGES.filter((e) => e.specifier.startsWith('<computed') && !under(e.from, 'src/host/'));
    expect(bad.map(show), `computed import() escapes these checks:\n  ${bad.map(show).join('\n  ')}\n`).to.deep.equal([]);
  });

  it('has no import cycles among src/ and checks/ modules', () => {
    const cycles = findCycles(EDGES);
    const text = cycles.map((c) => c.join(' -> '));
    expect(text, `import cycles:\n  ${text.join('\n  ')}\n`).to.deep.equal([]);
  });

  it('the cycle finder reports a cycle as a path', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, specifier: to, line: 1, typeOnly: false });
    const cycles = findCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('d', 'd'), edge('e', 'a')]);
    expect(cycles).to.deep.equal([['a', 'b', 'c', 'a'], ['d', 'd']]);
  });
});

/**
 * One cycle per strongly connected component (Tarjan), as a path that starts and ends at the
 * same file. Type-only edges count: they couple modules the same way, only without load order.
 */
function findCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (e.to === undefined) continue;
    const out = graph.get(e.from) ?? [];
    if (!out.includes(e.to)) out.push(e.to);
    graph.set(e.from, out);
    if (!graph.has(e.to)) graph.set(e.to, []);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components.map((c) => cyclePath(graph, new Set(c))).sort((x, y) => x[0]!.localeCompare(y[0]!));
}

/** A shortest path from the component's first file (sorted) back to itself, staying inside it. */
function cyclePath(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const back: string[] = [];
        for (let at: string | undefined = v; at !== undefined; at = at === start ? undefined : previous.get(at)) back.push(at);
        return [...back.reverse(), start];
      }
      if (!previous.has(w) && w !== start) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
