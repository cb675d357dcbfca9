import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import { KernelTree } from '../tree/tree.js';

/**
 * The two trees a pre-commit or CI-diff run compares, read from git without touching the working tree or the index:
 * `base` (HEAD, or the given revision) and `change` (the index for --staged, the working tree for --since), both as
 * overlays on the tree on disk. `changed` lists the tree-relative paths that differ between them.
 */
export interface ChangeTrees {
  base: KernelTree;
  change: KernelTree;
  changed: string[];
}

/** Run git; its output, or (`status`) its exit status. Independent questions run at once (Promise.all). */
function run(cwd: string, args: string[], input?: string): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => reject(new InputError(`cannot run git: ${e.message}`)));
    p.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    p.stdin.on('error', () => undefined);
    p.stdin.end(input ?? '');
  });
}

async function git(cwd: string, args: string[], input?: string): Promise<Buffer> {
  const r = await run(cwd, args, input);
  if (r.status !== 0) throw new InputError(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim()}`);
  return r.stdout;
}

interface Repo {
  top: string;
  /** the tree's path inside the repository, '' or ending in '/' */
  prefix: string;
}

function repoOf(treeRoot: string): Repo {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel', '--show-prefix'], { cwd: treeRoot });
  if (r.status !== 0) throw new InputError(`${treeRoot} is not inside a git repository (needed for --staged / --since)`);
  const [top, prefix] = r.stdout.toString().split('\n');
  return { top: top!, prefix: prefix ?? '' };
}

/** NUL-separated path list of a `git diff --name-only -z`, limited to the tree and made tree-relative. */
function pathsIn(out: Buffer, repo: Repo): string[] {
  return out
    .toString('latin1')
    .split('\0')
    .filter((p) => p !== '' && p.startsWith(repo.prefix))
    .map((p) => p.slice(repo.prefix.length));
}

/**
 * Contents of `<rev>:<path>` for many paths at once (`git cat-file --batch`); null where the object does not
 * exist (a file added since, or deleted). rev '' means the index (stage 0).
 */
async function readObjects(repo: Repo, rev: string, rels: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (rels.length === 0) return out;
  const specs = rels.map((r) => `${rev}:${repo.prefix}${r}`);
  const buf = await git(repo.top, ['cat-file', '--batch'], specs.join('\n') + '\n');
  let pos = 0;
  for (const rel of rels) {
    const nl = buf.indexOf(0x0a, pos);
    const header = buf.subarray(pos, nl).toString('latin1');
    pos = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      out.set(rel, null);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    out.set(rel, buf.subarray(pos, pos + size).toString('latin1'));
    pos += size + 1;
  }
  return out;
}

/**
 * Blob ids of the regular files git lists (`ls-files -s` for the index, `ls-tree -r REV` for a revision), by
 * tree-relative path: the content hashes of every file the change did not touch, known without reading them. Empty
 * when git may convert contents on checkout (autocrlf, or .gitattributes asking for eol/text/filter/ident/encoding
 * conversion), since a blob id then need not describe the bytes on disk.
 */
async function blobIds(repo: Repo, rev: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const [config, attrList, listing] = await Promise.all([
    run(repo.top, ['config', '--get', 'core.autocrlf']),
    git(repo.top, ['ls-files', '-z', '--', ':(glob)**/.gitattributes', '.gitattributes']),
    rev === undefined ? git(repo.top, ['ls-files', '-s', '-z']) : git(repo.top, ['ls-tree', '-r', '-z', rev]),
  ]);
  const autocrlf = config.stdout.toString().trim();
  if (autocrlf === 'true' || autocrlf === 'input') return out;
  const attrs = attrList.toString('latin1').split('\0');
  for (const a of attrs) {
    if (a === '') continue;
    let text = '';
    try {
      text = fs.readFileSync(path.join(repo.top, a), 'latin1');
    } catch {
      continue;
    }
    if (/(^|\s)-?(text|eol|filter|ident|working-tree-encoding)\b/m.test(text.replace(/#.*$/gm, ''))) return out;
  }
  for (const entry of listing.toString('latin1').split('\0')) {
    // index: "<mode> <oid> <stage>\t<path>"; tree: "<mode> blob <oid>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const f = entry.slice(0, tab).split(' ');
    const p = entry.slice(tab + 1);
    if (!p.startsWith(repo.prefix) || (f[0] !== '100644' && f[0] !== '100755')) continue;
    if (rev === undefined && f[2] !== '0') continue;
    out.set(p.slice(repo.prefix.length), rev === undefined ? f[1]! : f[2]!);
  }
  return out;
}

function without(m: Map<string, string>, paths: string[]): Map<string, string> {
  const r = new Map(m);
  for (const p of paths) r.delete(p);
  return r;
}

/**
 * What a run may start on before git has said everything (see earlyPrefetch): the changed paths, and the change
 * tree it most likely is — for --staged the tree on disk with the index's version of each staged file that differs
 * on disk, which is the change tree unless other files have unstaged changes.
 */
export interface EarlyChange {
  changed: string[];
  tree: KernelTree;
}

function tell(onChanged: ((e: EarlyChange) => void) | undefined, e: EarlyChange): void {
  try {
    onChanged?.(e);
  } catch {
    /* an early start is only an optimisation */
  }
}

/** --staged: base = HEAD, change = the index (what would be committed). */
export async function stagedTrees(treeRoot: string, onChanged?: (e: EarlyChange) => void): Promise<ChangeTrees> {
  const repo = repoOf(treeRoot);
  const disk = new KernelTree(treeRoot);
  const early = async (out: Buffer) => {
    const staged = pathsIn(out, repo);
    const index = await readObjects(repo, '', staged);
    const overlay = new Map<string, string | null>();
    for (const p of staged) {
      const c = index.get(p) ?? null;
      if (c !== (disk.tryReadText(p) ?? null)) overlay.set(p, c);
    }
    tell(onChanged, { changed: staged, tree: disk.withOverlay(overlay) });
  };
  // (the early start is awaited with the rest, failed or not: whoever starts something there sees it before this
  // returns or throws)
  let told: Promise<void> = Promise.resolve();
  const [unstagedOut, stagedOut, head, ids] = await Promise.all([
    // files whose index content differs from the working tree: the change tree must show the index version
    git(repo.top, ['diff', '--name-only', '-z', '--no-renames', '--', repo.prefix || '.']),
    // files the commit changes: the base tree must show HEAD's version
    git(repo.top, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--', repo.prefix || '.']).then((out) => {
      if (onChanged) told = early(out).catch(() => undefined);
      return out;
    }),
    run(repo.top, ['rev-parse', '--verify', '-q', 'HEAD']),
    // every tracked file outside `unstaged` has the index's content on disk, and outside `staged` HEAD's too
    blobIds(repo, undefined),
  ]).finally(() => told);
  const unstaged = pathsIn(unstagedOut, repo);
  const staged = pathsIn(stagedOut, repo);
  const [, indexContent, headContent] = await Promise.all([
    told,
    readObjects(repo, '', [...new Set([...unstaged, ...staged])]),
    head.status === 0 ? readObjects(repo, 'HEAD', staged) : new Map<string, string | null>(),
  ]);
  const changeOverlay = new Map<string, string | null>();
  for (const p of unstaged) changeOverlay.set(p, indexContent.get(p) ?? null);
  const baseOverlay = new Map(changeOverlay);
  for (const p of staged) baseOverlay.set(p, headContent.get(p) ?? null);
  return {
    base: disk.withOverlay(baseOverlay, without(ids, staged)),
    change: disk.withOverlay(changeOverlay, ids),
    changed: staged.sort(),
  };
}

/** --since REV: base = REV, change = the working tree. */
export async function sinceTrees(treeRoot: string, rev: string, onChanged?: (e: EarlyChange) => void): Promise<ChangeTrees> {
  const repo = repoOf(treeRoot);
  await git(repo.top, ['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
  const disk = new KernelTree(treeRoot);
  const [diff, ids] = await Promise.all([
    git(repo.top, ['diff', rev, '--name-only', '-z', '--no-renames', '--', repo.prefix || '.']).then((out) => {
      // the change is the working tree: the tree on disk
      tell(onChanged, { changed: pathsIn(out, repo), tree: disk });
      return out;
    }),
    // tracked files outside `changed` have REV's content on disk
    blobIds(repo, rev),
  ]);
  const changed = pathsIn(diff, repo);
  const old = await readObjects(repo, rev, changed);
  return {
    base: disk.withOverlay(new Map(changed.map((p) => [p, old.get(p) ?? null])), ids),
    change: disk.withOverlay(new Map(), without(ids, changed)),
    changed: changed.sort(),
  };
}

/** tree-relative form of a path given on the command line, for messages */
export function relToTree(treeRoot: string, p: string): string {
  return path.relative(treeRoot, p).split(path.sep).join('/');
}
