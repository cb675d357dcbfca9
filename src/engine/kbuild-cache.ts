import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { BuiltObject, CompileCommand, ObjectGraph } from '../core/graph.js';
import type { Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { treeCacheDir } from './unit-cache.js';

/**
 * Kbuild graphs kept between runs (outside the tree): evaluating Linux's ~2000 makefiles costs most of a second,
 * which a pre-commit run of a one-file change should not pay. An entry is keyed by everything the evaluation is a
 * function of besides the tree (architecture, the configuration's auto.conf, objtree, toolchain answers, kvlint's
 * Kbuild code) and is valid while every file it read has the same content hash and every existence question it
 * asked ($(wildcard), sources of objects, directories) has the same answer.
 */

interface Stored {
  code: string;
  graph: ObjectGraph;
  diagnostics: Diagnostic[];
  read: [string, string][];
  probes: [string, string][];
}

export interface KbuildResultLike {
  graph: ObjectGraph;
  diagnostics: Diagnostic[];
}

let codeHash: string | undefined;

/** Hash of the code the graph comes from (src/kbuild, the tree access), wherever kvlint runs from. */
function kbuildCodeHash(): string {
  if (codeHash) return codeHash;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ext = path.extname(fileURLToPath(import.meta.url));
  const h = createHash('sha1');
  const files: string[] = [path.join(here, '../tree/tree' + ext)];
  const walk = (p: string): void => {
    for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) walk(f);
      else if (/\.(js|ts)$/.test(e.name)) files.push(f);
    }
  };
  walk(path.join(here, '../kbuild'));
  for (const f of files) h.update(f.slice(here.length)).update(fs.readFileSync(f));
  codeHash = h.digest('hex').slice(0, 16);
  return codeHash;
}

/**
 * The graph with one command object per distinct command (most objects of a directory share theirs): the serializer
 * keeps shared references, so a graph read back has them shared too, and what is memoised per command object
 * (compiler views, unit keys) is computed once per command instead of once per object.
 */
function internCommands(graph: ObjectGraph): ObjectGraph {
  const byText = new Map<string, CompileCommand>();
  const objects = new Map<string, BuiltObject>();
  for (const [p, o] of graph.objects) {
    const text = JSON.stringify(o.cmd);
    let cmd = byText.get(text);
    if (!cmd) byText.set(text, (cmd = o.cmd));
    objects.set(p, cmd === o.cmd ? o : { ...o, cmd });
  }
  return { ...graph, objects };
}

export class KbuildCache {
  private readonly dir: string;

  constructor(cacheDir: string, treeRoot: string) {
    this.dir = treeCacheDir(cacheDir, 'kbuild', treeRoot);
  }

  private file(key: string): string {
    return path.join(this.dir, createHash('sha1').update(key).digest('hex') + '.v8');
  }

  /** The graph stored under `key`, if it is still what `tree` would give; reads and probes go through `tree`. */
  get(key: string, tree: KernelTree): KbuildResultLike | undefined {
    let s: Stored;
    try {
      s = v8.deserialize(fs.readFileSync(this.file(key))) as Stored;
    } catch {
      return undefined;
    }
    if (s.code !== kbuildCodeHash()) return undefined;
    for (const [f, h] of s.read) if (tree.hash(f) !== h) return undefined;
    for (const [k, a] of s.probes) if (tree.probeAnswer(k) !== a) return undefined;
    return { graph: s.graph, diagnostics: s.diagnostics };
  }

  put(key: string, tree: KernelTree, r: KbuildResultLike, read: Set<string>, probes: Map<string, string>): void {
    const s: Stored = {
      code: kbuildCodeHash(),
      graph: internCommands(r.graph),
      diagnostics: r.diagnostics,
      read: [...read].map((f) => [f, tree.hash(f)]),
      probes: [...probes],
    };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const file = this.file(key);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, v8.serialize(s));
      fs.renameSync(tmp, file);
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }
}
