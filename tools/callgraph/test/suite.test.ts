/**
 * The call-graph suite (tools/callgraph): every case is well-formed, and codegraph's precision and recall on it
 * do not fall below tools/callgraph/floor.json — overall and per family. The floor is what the engine scored when
 * it was last raised (`npm run callgraph -- --write-floor`); work that improves the call graph raises it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const HERE = path.resolve(__dirname, '..');
const CASES = path.join(HERE, 'cases');
const FAMILIES = ['assignments', 'basics', 'builtins', 'classes', 'decorators', 'functions-as-values', 'implicit-calls', 'imports'];

interface Tally {
  cases: number;
  expected: number;
  found: number;
  truePositives: number;
  precision: number;
  recall: number;
}
interface CaseRow {
  family: string;
  case: string;
  missed: string[];
  extra: string[];
  error?: string;
  definitions: { functions: string[]; classes: string[] };
}
interface ScoreResult {
  cases: CaseRow[];
  families: Record<string, Tally>;
  overall: Tally;
}
interface Floor {
  overall: { precision: number; recall: number };
  families: Record<string, { precision: number; recall: number }>;
}
interface Vocabulary {
  functions: string[];
  methods: string[];
  classes: string[];
  stdlibModules: string[];
}

const vocabulary = JSON.parse(fs.readFileSync(path.join(HERE, 'builtins.json'), 'utf8')) as Vocabulary;
const builtinCallables = new Set([...vocabulary.functions, ...vocabulary.methods]);
const classNames = new Set(vocabulary.classes);
const stdlib = new Set(vocabulary.stdlibModules);

function caseDirs(): { family: string; name: string; dir: string }[] {
  const out = [];
  for (const family of fs.readdirSync(CASES).sort()) {
    for (const name of fs.readdirSync(path.join(CASES, family)).sort()) out.push({ family, name, dir: path.join(CASES, family, name) });
  }
  return out;
}

/** Module names of a case's files, as codegraph and Python name them (`pkg/__init__.py` → `pkg`). */
function modulesOf(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...modulesOf(dir, r));
    else if (e.name.endsWith('.py')) out.push(r.replace(/\.py$/, '').replace(/\/__init__$/, '').replace(/\//g, '.'));
  }
  return out;
}

let result: ScoreResult;

beforeAll(() => {
  // One scorer run (the real engine over every case) serves both the name checks and the floor.
  const stdout = execFileSync(process.execPath, [path.join(HERE, 'score.mjs'), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  result = JSON.parse(stdout) as ScoreResult;
}, 120_000);

describe('call-graph suite: cases', () => {
  const cases = caseDirs();

  it('has every family of issue 10 with at least 12 cases, 130 in all', () => {
    expect(fs.readdirSync(CASES).sort()).toEqual(FAMILIES);
    for (const f of FAMILIES) expect(cases.filter((c) => c.family === f).length).toBeGreaterThanOrEqual(12);
    expect(cases.length).toBeGreaterThanOrEqual(130);
  });

  it('every case has main.py and a callgraph.json of caller → [callee] with unique names', () => {
    for (const c of cases) {
      expect(fs.existsSync(path.join(c.dir, 'main.py'))).toBe(true);
      const graph = JSON.parse(fs.readFileSync(path.join(c.dir, 'callgraph.json'), 'utf8')) as unknown;
      expect(typeof graph).toBe('object');
      for (const [caller, callees] of Object.entries(graph as Record<string, unknown>)) {
        expect(typeof caller).toBe('string');
        expect(Array.isArray(callees)).toBe(true);
        const list = callees as unknown[];
        expect(list.every((x) => typeof x === 'string')).toBe(true);
        expect(new Set(list).size).toBe(list.length);
      }
    }
  });

  it('every name is a definition of the case, a builtin function or method, or a stdlib function — never a class', () => {
    const bad: string[] = [];
    for (const c of cases) {
      const row = result.cases.find((r) => r.family === c.family && r.case === c.name);
      if (!row) {
        bad.push(`${c.family}/${c.name}: not scored`);
        continue;
      }
      const functions = new Set(row.definitions.functions);
      const callers = new Set([...functions, ...row.definitions.classes, ...modulesOf(c.dir)]);
      const graph = JSON.parse(fs.readFileSync(path.join(c.dir, 'callgraph.json'), 'utf8')) as Record<string, string[]>;
      for (const [caller, callees] of Object.entries(graph)) {
        if (!callers.has(caller)) bad.push(`${c.family}/${c.name}: caller ${caller} is not a function, class or module of the case`);
        for (const callee of callees) {
          const known =
            functions.has(callee) ||
            builtinCallables.has(callee) ||
            (stdlib.has(callee.split('.')[0]!) && callee.split('.')[0] !== 'builtins' && !classNames.has(callee));
          if (!known || classNames.has(callee)) bad.push(`${c.family}/${c.name}: callee ${callee} is not a function of the case, builtins or the stdlib`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('call-graph suite: codegraph scores', () => {
  const floor = JSON.parse(fs.readFileSync(path.join(HERE, 'floor.json'), 'utf8')) as Floor;

  it('scores every case', () => {
    expect(result.cases.length).toBe(caseDirs().length);
    expect(result.cases.filter((r) => r.error).map((r) => `${r.family}/${r.case}: ${r.error}`)).toEqual([]);
    expect(Object.keys(result.families).sort()).toEqual(FAMILIES);
  });

  it('does not fall below the floor, overall and in any family', () => {
    const below: string[] = [];
    const check = (name: string, got: Tally, min: { precision: number; recall: number } | undefined) => {
      if (!min) return below.push(`${name}: no floor recorded`);
      if (got.precision < min.precision) below.push(`${name}: precision ${got.precision.toFixed(4)} < floor ${min.precision}`);
      if (got.recall < min.recall) below.push(`${name}: recall ${got.recall.toFixed(4)} < floor ${min.recall}`);
    };
    check('overall', result.overall, floor.overall);
    for (const [f, t] of Object.entries(result.families)) check(f, t, floor.families[f]);
    expect(below).toEqual([]);
  });
});
