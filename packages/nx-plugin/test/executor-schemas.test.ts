/**
 * Executor schemas as Nx applies them: every executor's options are validated by Nx's own validator
 * (`validateOptsAgainstSchema`, what `nx run` calls) against the schema files executors.json names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateOptsAgainstSchema } = require('nx/src/utils/params') as { validateOptsAgainstSchema(o: object, s: object): void };

const pkg = path.join(__dirname, '..');
const executors: Record<string, { schema: string }> = JSON.parse(fs.readFileSync(path.join(pkg, 'executors.json'), 'utf8')).executors;
const schemaOf = (name: string) => JSON.parse(fs.readFileSync(path.join(pkg, executors[name]!.schema), 'utf8'));
const check = (name: string, opts: object) => () => validateOptsAgainstSchema(opts, schemaOf(name));

describe('executor schemas', () => {
  it('every schema rejects unknown options and describes every option', () => {
    for (const name of Object.keys(executors)) {
      const s = schemaOf(name);
      expect([name, s.additionalProperties]).toEqual([name, false]);
      for (const [opt, p] of Object.entries<{ description?: string; type?: string }>(s.properties)) {
        expect([name, opt, typeof p.description, typeof p.type]).toEqual([name, opt, 'string', 'string']);
      }
      expect(check(name, { ...(name === 'layer' ? { layer: 'l0' } : {}), bogus: 1 })).toThrow(/'bogus' is not found in schema/);
    }
  });

  it('layer: the step is one of the layers and required; workers is an integer of at least 1', () => {
    expect(check('layer', { layer: 'l1', workers: 2, outputDir: '.codegraph', excludeDirs: ['libs/x'] })).not.toThrow();
    expect(check('layer', { layer: 'repo-index', projects: ['a', 'b'] })).not.toThrow();
    expect(check('layer', { layer: 'l7' })).not.toThrow();
    expect(check('layer', { layer: 'l5' })).not.toThrow();
    expect(check('layer', { layer: 'l3' })).not.toThrow();
    expect(check('layer', { layer: 'l6' })).toThrow(/should be one of l0,l1,l2,l3,l4,l5,l7,l8,l9,index,repo-index/);
    expect(check('layer', { layer: 'l8', rules: { 'undefined-name': 'off', 'pyright/reportMissingImports': 'error' } })).not.toThrow();
    expect(check('l8', { rules: { 'undefined-name': 'loud' } })).toThrow(/should be one of off,note,warning,error/);
    expect(check('layer', {})).toThrow(/Required property 'layer' is missing/);
    expect(check('layer', { layer: 'l1', workers: 0 })).toThrow(/0 should be at least 1/);
    expect(check('layer', { layer: 'l1', workers: 1.5 })).toThrow(/should be a multiple of 1/);
    expect(check('layer', { layer: 'l1', workers: 'two' })).toThrow(/should be a 'number'/);
    expect(check('l4', { workers: 0 })).toThrow(/should be at least 1/);
    expect(check('index', { workers: 2 })).toThrow(/'workers' is not found in schema/);
  });
});
