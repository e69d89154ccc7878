/**
 * setup.cfg: `[options] install_requires` and `[options.extras_require]`. Read as INI the way setuptools'
 * configparser does (indented continuation lines, full-line `#`/`;` comments), one requirement per line — setuptools
 * does not split requirement lists on `;`, which PEP 508 markers use.
 */
import * as path from 'node:path';
import { normalizeDist } from './pep508';
import { declare, readText, relPath, type Parsed } from './sources';
import type { DepGroup } from './types';

interface IniValue {
  section: string;
  key: string;
  /** Non-empty, non-comment lines of the value with their 1-based line numbers. */
  items: { text: string; line: number }[];
}

function readIni(text: string): IniValue[] {
  const out: IniValue[] = [];
  let section = '';
  let cur: IniValue | undefined;
  text.split(/\r?\n/).forEach((l, i) => {
    const t = l.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) return;
    if (/^\s/.test(l) && cur) {
      cur.items.push({ text: t, line: i + 1 });
      return;
    }
    const sec = /^\[([^\]]+)\]/.exec(t);
    if (sec) {
      section = sec[1]!.trim();
      cur = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(t);
    if (!kv) {
      cur = undefined;
      return;
    }
    cur = { section, key: kv[1]!.trim(), items: kv[2] ? [{ text: kv[2], line: i + 1 }] : [] };
    out.push(cur);
  });
  return out;
}

export function parseSetupCfg(root: string, projectDir: string): Parsed & { name?: string } {
  const out: Parsed & { name?: string } = { declared: [], diagnostics: [] };
  const file = path.join(projectDir, 'setup.cfg');
  const text = readText(file);
  if (text === undefined) return out;
  const source = relPath(root, file);
  for (const v of readIni(text)) {
    let group: DepGroup | undefined;
    if (v.section === 'options' && v.key === 'install_requires') group = 'main';
    else if (v.section === 'options.extras_require') group = `optional:${normalizeDist(v.key)}`;
    else if (v.section === 'metadata' && v.key === 'name' && v.items[0]) out.name = v.items[0].text;
    if (!group) continue;
    for (const it of v.items) {
      // `file:` / `attr:` directives point elsewhere (the referenced requirement files are read on their own).
      if (/^(?:file|attr):/.test(it.text)) continue;
      declare(out, it.text, source, group, it.line);
    }
  }
  return out;
}
