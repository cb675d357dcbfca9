import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { InputError } from '../../core/errors.js';
import { defaultStages } from '../../engine/default-stages.js';
import { buildMatrix } from '../../engine/matrix.js';
import type { KernelTree } from '../../tree/tree.js';
import { normalizeRel } from '../../tree/tree.js';
import type { Settings } from '../../settings/index.js';
import type { CliIO } from '../context.js';
import { type ConfigArgv, selectionFromArgv } from '../flags.js';
import type { ToolchainProfile } from '../../toolchain/profile.js';

/**
 * `kvlint facts --explain-generated FILE`: where a generated file comes from in one configuration (the kbuild rule
 * and command that make it, or that kvlint cannot make it), the text kvlint synthesises, and — with --objtree, when
 * the objtree has the file too — how the two differ (a unified diff, the objtree's being what kvlint then reads).
 * Returns the exit code: 0 when they agree or there is nothing to compare, 1 when they differ.
 */
export function explainGenerated(
  where: { tree: KernelTree; objtree?: string; profile?: ToolchainProfile },
  argv: ConfigArgv,
  settings: Settings,
  file: string,
  io: CliIO,
): number {
  const rel = normalizeRel(file.replace(/^\.\//, ''));
  const entry = buildMatrix(selectionFromArgv(argv, io.cwd), settings.matrix)[0];
  if (!entry) throw new InputError('no configuration selected');
  const stages = defaultStages(where.tree, { ...(where.profile ? { profile: where.profile } : {}) });
  const model = stages.loadKconfig(where.tree, entry.arch);
  const { config } = stages.resolveConfig(model, entry.base, entry.overrides);
  const autoconf = stages.autoconf(model, config);
  const { graph } = stages.evalKbuild(where.tree, config);
  const out = stages.prepare!(where.tree, config, graph, autoconf);
  const rule = [...(graph.prepare ?? []), ...(graph.generated ?? [])].find((g) => g.target === rel);
  const lines: string[] = [`${rel} in ${entry.ref.label}:`];
  if (rule) {
    const cmd = rule.command.trim().split('\n')[0]!.slice(0, 160);
    lines.push(`  made by kbuild's ${rule.kind === 'filechk' ? 'filechk_' : 'cmd_'}${rule.name} (${rule.span.file}:${rule.span.line})${cmd ? `: ${cmd}` : ''}`);
  } else lines.push('  no rule of the prepare step or of a visited directory makes it');
  const mine = out.generated.files[rel];
  const why = out.generated.missing?.[rel];
  if (mine !== undefined) lines.push(`  kvlint synthesises it (${mine.split('\n').length - 1} lines)`);
  else lines.push(`  kvlint does not synthesise it${why ? ` (${why})` : ''}`);
  for (const g of out.gaps.filter((x) => x.startsWith(rel + ':'))) lines.push(`  gap: ${g.slice(rel.length + 2)}`);
  let code = 0;
  const theirsPath = where.objtree ? path.join(where.objtree, rel) : undefined;
  const theirs = theirsPath && fs.existsSync(theirsPath) ? fs.readFileSync(theirsPath, 'latin1') : undefined;
  if (theirs !== undefined && mine !== undefined) {
    if (theirs === mine) lines.push(`  identical to ${theirsPath}`);
    else {
      code = 1;
      lines.push(`  differs from ${theirsPath} (kvlint reads the objtree's):`, '');
      lines.push(createTwoFilesPatch(`kvlint/${rel}`, `objtree/${rel}`, mine, theirs, '', '', { context: 2 }).trimEnd());
    }
  } else if (theirs !== undefined) lines.push(`  the objtree has it (${theirsPath}): kvlint reads that one`);
  else if (mine !== undefined) lines.push('', mine.trimEnd());
  io.stdout(lines.join('\n') + '\n');
  return code;
}
