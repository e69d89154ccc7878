import { declaredDistributions, importedTopLevels, normalizeDist } from '../dist/plugins/dependencies';

describe('import scanning for the project graph', () => {
  it('finds top-level modules of every import form, and nothing in relative imports', () => {
    const src = [
      'import os, sys as system',
      'import core.models as m',
      'from payments.gateway import (',
      '    charge,',
      ')',
      'from . import sibling',
      'from .errors import PaymentError',
      '    import json  # inside a function',
      'x = "import not_a_module"',
    ].join('\n');
    expect([...importedTopLevels(src)].sort()).toEqual(['core', 'json', 'os', 'payments', 'sys']);
  });

  it('reads declared distributions from pyproject, normalised per PEP 503', () => {
    const py = '[project]\nname = "shop-api"\ndependencies = [\n  "shop_core>=0.1",\n  "Shop.Payments[extra] ; python_version>\'3.8\'",\n]\n';
    expect(declaredDistributions(py)).toEqual(['shop-core', 'shop-payments']);
    expect(normalizeDist('Django_REST.framework')).toBe('django-rest-framework');
  });
});
