/**
 * A file's facts without their source positions — what the fixpoint's answers depend on, apart from where they are.
 *
 * The solver never reads a position to decide what flows where: functions and classes carry theirs only so that
 * their L1 node can be found (by the same text that moved with them), and sites carry the span L1 gives their edge,
 * which is how the answers are keyed. So two versions of a file whose facts differ only by positions (a `pass` or a
 * comment line inserted above the rest: everything below shifts) have the same answers, site by site, once each
 * site's span is replaced by its new one. `shapeKey` is the digest of what must be equal for that: the facts with the
 * positions blanked, plus which sites share a span (answers are keyed by span, so two sites that share one share an
 * answer — the same must hold in the new version, or the remap would merge or split answers).
 */
import type { FlowFacts } from '../../../lang/python/valueflow';
import { SITE_DECORATOR } from '../../../lang/python/valueflow/model';
import { hashString } from '../../../util/hash';
import { answersDigest, type FileAnswers } from './answers';
import type { FlowTarget, ImplicitSite } from './index';

/** Bumped whenever what the shape covers changes. */
const SHAPE_FORMAT = 'shape-2';

export function shapeKey(facts: FlowFacts): string {
  const firstWithSpan = new Map<string, number>();
  const sameSpanAs = facts.sites.map((s, i) => {
    const k = siteKey(s);
    const j = firstWithSpan.get(k);
    if (j === undefined) firstWithSpan.set(k, i);
    return j ?? -1;
  });
  const blanked = {
    ...facts,
    funcs: facts.funcs.map(([fqn, params, flags]) => [fqn, params, flags]),
    classes: facts.classes.map(([fqn, bases, attrs]) => [fqn, bases, attrs]),
    sites: facts.sites.map((s) => s[4]),
  };
  return hashString(`${SHAPE_FORMAT}\n${JSON.stringify(blanked)}\n${sameSpanAs.join(',')}`);
}

/** How the answers key a site: "line,col,endLine,endCol". */
export const spanKey = (s: readonly number[]) => `${s[0]},${s[1]},${s[2]},${s[3]}`;

/**
 * A decorator application's site has the span of its callee, which `@register(tag)` shares with the call
 * `register(tag)`: keyed apart (this suffix), so neither answer replaces the other — L4 reads the call's answer for
 * the CALLS edge and the application's for the DECORATES edge.
 */
export const DECORATOR_KEY_SUFFIX = ',@';

/** The answers' key of a facts site `[line, col, endLine, endCol, kind]`. */
export const siteKey = (s: readonly number[]) => spanKey(s) + (s[4] === SITE_DECORATOR ? DECORATOR_KEY_SUFFIX : '');

/**
 * The answers of a file solved with facts of the same shape as `facts`, re-keyed by the spans its sites have in
 * `facts` (site by site: the answers name each site by its index), with their digest recomputed.
 */
export function rekeyAnswers(a: FileAnswers, facts: FlowFacts, memo: Map<FlowTarget, string>): FileAnswers {
  const sites = a.sites.map(([, ts], i): [string, FlowTarget[]] => [siteKey(facts.sites[a.siteIndex[i]!]!), ts]);
  const implicit = a.implicit.map((s, i): ImplicitSite => {
    const [l, c, el, ec] = facts.sites[a.implicitIndex[i]!]!;
    return { span: [l, c, el, ec], targets: s.targets };
  });
  return { sites, implicit, siteIndex: a.siteIndex, implicitIndex: a.implicitIndex, digest: answersDigest(sites, implicit, memo) };
}
