import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UnitFacts } from '../core/facts.js';
import type { ObjectGraph } from '../core/graph.js';
import type { KernelTree } from '../tree/tree.js';
import { sourceFilesUnder } from '../core/code-hash.js';
import { treeCacheDir } from './unit-cache.js';

/**
 * Findings of link rules (`meta.fingerprintsFromLink`) kept between runs by what they follow from: the link digest
 * of a run. The base of a pre-commit run is usually a tree an earlier run checked (the whole-tree check that warmed
 * the cache, or the previous commit's change run), so its link and link rules need not run again: only their
 * fingerprints matter there (what the change reports is what the base did not). Entries hold fingerprints only —
 * never findings to print: the digest does not cover line numbers.
 */

/**
 * What the link reads of one unit, as one string: non-local definitions (name, binding, kind), references (name,
 * weak, file of the first use), exports (name, GPL, namespace), MODULE_LICENSE, imported namespaces. Order-free: the
 * link's results do not depend on the order of a unit's facts. A unit whose analysis failed has its own mark.
 */
export function linkSignature(f: UnitFacts, failed: boolean): string {
  if (failed) return '!failed';
  const defs: string[] = [];
  for (const d of f.defs) if (d.binding !== 'local') defs.push(`${d.name} ${d.binding} ${d.kind}`);
  const refs = f.refs.map((r) => `${r.name} ${r.weak ? 'w' : 's'} ${r.span.file}`);
  const xs = f.exports.map((x) => `${x.name} ${x.gpl ? 1 : 0} ${x.namespace ?? ''}`);
  return JSON.stringify([defs.sort(), refs.sort(), xs.sort(), f.license?.value ?? null, f.importNs.map((n) => n.ns).sort()]);
}

const graphDigests = new WeakMap<ObjectGraph, string>();

/** The graph as the link sees it: objects (source, module, built-in, lib), modules and their members, link order. */
export function graphDigest(graph: ObjectGraph): string {
  let d = graphDigests.get(graph);
  if (d === undefined) {
    const h = createHash('sha1');
    h.update(graph.arch + '\n');
    for (const o of graph.objects.values()) h.update(`${o.path}\0${o.source ?? ''}\0${o.module ?? ''}\0${o.builtin ? 1 : 0}${o.lib ? 1 : 0}\0${o.derivedFrom ?? ''}\n`);
    for (const m of graph.modules) h.update(`M${m.name}\0${m.objects.join('\0')}\n`);
    h.update(`B${graph.builtin.join('\0')}`);
    d = h.digest('hex');
    graphDigests.set(graph, d);
  }
  return d;
}

const sigHashes = new WeakMap<UnitFacts, string>();

/** A short hash of linkSignature (packs store it per unit: src/engine/unit-pack.ts). */
export function linkSigHash(f: UnitFacts, failed: boolean): string {
  if (failed) return '!failed';
  let h = sigHashes.get(f);
  if (h === undefined) {
    h = createHash('sha1').update(linkSignature(f, false)).digest('hex').slice(0, 20);
    sigHashes.set(f, h);
  }
  return h;
}

/**
 * Link digest of one configuration: its macro environment, its graph, and the link signature of every unit (in
 * graph order; `sig` is linkSigHash, from the pack for packed units). Equal digests, equal links up to locations.
 */
export function configLinkDigest(envId: string, graph: ObjectGraph, units: { object: string; sig: string }[]): string {
  const h = createHash('sha1');
  h.update(`${envId}\0${graphDigest(graph)}\n`);
  for (const u of units) h.update(`${u.object}\0${u.sig}\n`);
  return h.digest('hex');
}

let codeHash: string | undefined;

/** kvlint's own code that decides link findings: the rules, the link, the facts types. */
function linkCodeHash(): string {
  if (codeHash) return codeHash;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha1');
  for (const d of ['../../rules', '../link', '../core']) {
    for (const f of sourceFilesUnder(path.join(here, d))) h.update(path.basename(f) + '\0').update(fs.readFileSync(f));
  }
  codeHash = h.digest('hex').slice(0, 16);
  return codeHash;
}

interface Entry {
  /** fingerprints the link rules reported */
  fingerprints: string[];
  /** tree files the link rules read (linker scripts, Makefiles for chains), with their content hashes */
  reads: [string, string][];
  /** existence questions they asked (KernelTree.probeAnswer keys) and the answers */
  probes: [string, string][];
}

/** On-disk entries under <cache>/links/<code>/, one file per run digest; the most recent 64 are kept. */
export class LinkFindingsCache {
  private readonly dir: string;
  static readonly KEEP = 64;

  constructor(cacheDir: string, treeRoot: string) {
    this.dir = path.join(treeCacheDir(cacheDir, 'links', treeRoot), linkCodeHash());
  }

  /** `rules`: the link rules' identity (codes, severities, options); `digests`: each configuration's link digest */
  static key(rules: string, digests: string[]): string {
    return createHash('sha1').update(rules + '\n' + digests.join('\n')).digest('hex');
  }

  /** The fingerprints stored for `key`, if every tree file the rules read then is unchanged in `tree`. */
  get(key: string, tree: KernelTree): { fingerprints: Set<string>; reads: Set<string>; probes: Map<string, string> } | undefined {
    let e: Entry;
    try {
      e = JSON.parse(fs.readFileSync(path.join(this.dir, key + '.json'), 'utf8')) as Entry;
    } catch {
      return undefined;
    }
    for (const [f, h] of e.reads) if (tree.hash(f) !== h) return undefined;
    for (const [k, a] of e.probes) if (tree.probeAnswer(k) !== a) return undefined;
    return { fingerprints: new Set(e.fingerprints), reads: new Set(e.reads.map(([f]) => f)), probes: new Map(e.probes) };
  }

  put(key: string, tree: KernelTree, found: { fingerprints: Set<string>; reads: Set<string>; probes: Map<string, string> }): void {
    const e: Entry = {
      fingerprints: [...found.fingerprints].sort(),
      reads: [...found.reads].sort().map((f) => [f, tree.hash(f)]),
      probes: [...found.probes].sort(),
    };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const file = path.join(this.dir, key + '.json');
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(e));
      fs.renameSync(tmp, file);
      this.prune();
    } catch {
      /* only slower next time */
    }
  }

  private prune(): void {
    const files = fs.readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    if (files.length <= LinkFindingsCache.KEEP) return;
    const aged = files.map((f) => ({ f, t: fs.statSync(path.join(this.dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of aged.slice(LinkFindingsCache.KEEP)) fs.rmSync(path.join(this.dir, f), { force: true });
  }
}
