/**
 * Distribution name → top-level import names. Nothing here reads installed metadata (nothing is installed, and L9
 * must not depend on an environment), so the mapping is, in order:
 *  1. workspace: another project of the monorepo with that distribution name → its actual top-level modules;
 *  2. known: a hand-kept table of well-known mismatches. HEURISTIC: it covers popular packages only, and a
 *     distribution can ship other modules than those listed;
 *  3. default: the normalised name with `-` → `_`, matched case-insensitively against what the project imports
 *     (a declared `PyQt5` or `Markdown` is imported under its own capitalisation).
 */
import { normalizeDist } from './pep508';
import type { DistMapping } from './types';

/** Keys are PEP 503 normalised. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  attrs: ['attr', 'attrs'],
  beautifulsoup4: ['bs4'],
  'django-cors-headers': ['corsheaders'],
  'django-environ': ['environ'],
  'django-filter': ['django_filters'],
  djangorestframework: ['rest_framework'],
  dnspython: ['dns'],
  'faiss-cpu': ['faiss'],
  'faiss-gpu': ['faiss'],
  gitpython: ['git'],
  'google-api-python-client': ['googleapiclient'],
  grpcio: ['grpc'],
  'grpcio-tools': ['grpc_tools'],
  ipython: ['IPython'],
  'msgpack-python': ['msgpack'],
  mysqlclient: ['MySQLdb'],
  'opencv-contrib-python': ['cv2'],
  'opencv-contrib-python-headless': ['cv2'],
  'opencv-python': ['cv2'],
  'opencv-python-headless': ['cv2'],
  pillow: ['PIL'],
  protobuf: ['google'],
  'psycopg2-binary': ['psycopg2'],
  'py-cpuinfo': ['cpuinfo'],
  pycairo: ['cairo'],
  pycryptodome: ['Crypto'],
  pycryptodomex: ['Cryptodome'],
  pygithub: ['github'],
  pygobject: ['gi'],
  pyhamcrest: ['hamcrest'],
  pyjwt: ['jwt'],
  pyopenssl: ['OpenSSL'],
  pyserial: ['serial'],
  'python-dateutil': ['dateutil'],
  'python-dotenv': ['dotenv'],
  'python-jose': ['jose'],
  'python-magic': ['magic'],
  'python-multipart': ['multipart'],
  'python-slugify': ['slugify'],
  'python-socketio': ['socketio'],
  'python-telegram-bot': ['telegram'],
  pyusb: ['usb'],
  pywin32: ['pythoncom', 'pywintypes', 'win32api', 'win32com', 'win32con'],
  pyyaml: ['yaml'],
  pyzmq: ['zmq'],
  'ruamel-yaml': ['ruamel'],
  'scikit-image': ['skimage'],
  'scikit-learn': ['sklearn'],
  setuptools: ['pkg_resources', 'setuptools'],
  'tensorflow-gpu': ['tensorflow'],
  'typing-extensions': ['typing_extensions'],
  'websocket-client': ['websocket'],
};

/** Families of distributions installed into a shared namespace package. */
const NAMESPACE_PREFIXES: readonly [string, string][] = [
  ['azure-', 'azure'],
  ['backports-', 'backports'],
  ['google-', 'google'],
  ['jaraco-', 'jaraco'],
  ['sphinxcontrib-', 'sphinxcontrib'],
  ['zope-', 'zope'],
];

/** Rules 2 and 3 for one distribution (type stubs `types-X` / `X-stubs` map to what X provides). */
export function staticImportNames(dist: string, imported: ReadonlySet<string>): Pick<DistMapping, 'imports' | 'rule' | 'stubs'> {
  const d = normalizeDist(dist);
  const known = KNOWN[d];
  if (known) return { imports: [...known], rule: 'known' };
  const stub = /^types-(.+)$/.exec(d)?.[1] ?? /^(.+)-stubs$/.exec(d)?.[1];
  if (stub) return { imports: staticImportNames(stub, imported).imports, rule: 'known', stubs: true };
  for (const [prefix, ns] of NAMESPACE_PREFIXES) if (d.startsWith(prefix)) return { imports: [ns], rule: 'known' };
  const def = d.replace(/-/g, '_');
  const matches = [...imported].filter((m) => m.toLowerCase() === def).sort();
  return { imports: matches.length ? matches : [def], rule: 'default' };
}

/** Distributions of the known table that provide a module name: suggestions for an undeclared import. */
export function knownProviders(module: string): string[] {
  return Object.keys(KNOWN)
    .filter((d) => KNOWN[d]!.includes(module))
    .sort();
}
