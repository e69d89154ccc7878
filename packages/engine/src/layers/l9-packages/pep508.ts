/**
 * Just enough of PEP 508 to know which distribution a requirement names: the name, extras, version/URL and marker.
 * Versions are kept as written — L9 asks "is it declared", not "is the installed version right".
 */

/** PEP 503 normalisation (the Nx plugin uses it too), so `PyYAML`, `pyyaml` and `py_yaml` compare. */
export function normalizeDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export interface Requirement {
  name: string;
  extras?: string[];
  marker?: string;
  url?: string;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parses one requirement; undefined when it does not start with a valid distribution name. */
export function parseRequirement(text: string): Requirement | undefined {
  const s = text.trim();
  const m = NAME.exec(s);
  if (!m) return undefined;
  let rest = s.slice(m[0].length);
  const req: Requirement = { name: normalizeDist(m[1]!) };
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    const extras = rest.slice(1, close).split(',').map((e) => e.trim()).filter(Boolean);
    if (extras.length) req.extras = extras.map(normalizeDist).sort();
    rest = rest.slice(close + 1).trim();
  }
  if (rest.startsWith('@')) {
    // In the URL form a marker needs whitespace before its `;`: URLs may contain `;`.
    const semi = /\s;/.exec(rest);
    req.url = (semi ? rest.slice(1, semi.index) : rest.slice(1)).trim();
    if (semi) setMarker(req, rest.slice(semi.index + 2));
    return req.url ? req : undefined;
  }
  const semi = rest.indexOf(';');
  const version = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  // What remains before the marker must look like a version specifier (possibly parenthesised), or be empty.
  if (version && !/^\(?\s*(?:[<>=!~]=?|===)/.test(version)) return undefined;
  if (semi >= 0) setMarker(req, rest.slice(semi + 1));
  return req;
}

function setMarker(req: Requirement, marker: string): void {
  const m = marker.trim();
  if (m) req.marker = m;
}
