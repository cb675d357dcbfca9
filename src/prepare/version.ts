import type { GenContext, Generator } from './types.js';

/**
 * The top Makefile's version files: include/config/kernel.release, include/generated/uapi/linux/version.h,
 * include/generated/utsrelease.h, include/generated/compile.h (scripts/mkcompile_h), include/generated/package.h.
 * Which lines each has is read from the tree's own filechk_* definition (they changed over the releases); the
 * values come from the top Makefile's VERSION/PATCHLEVEL/SUBLEVEL/EXTRAVERSION, the tree's localversion* files and
 * CONFIG_LOCALVERSION. Build user, host and compiler are fixed placeholders (named as gaps).
 */

/** What compile.h says about who built the kernel: fixed, so that outputs do not depend on the machine. */
export const BUILD_PLACEHOLDERS = { user: 'kvlint', host: 'kvlint', ldVersion: 'GNU ld (kvlint placeholder)', timestamp: 'Thu Jan  1 00:00:00 UTC 1970' } as const;

/** KERNELRELEASE as scripts/setlocalversion makes it for a tree without version control information */
export function kernelRelease(ctx: GenContext): string {
  const version = ctx.top.KERNELVERSION || [ctx.top.VERSION, ctx.top.PATCHLEVEL, ctx.top.SUBLEVEL].filter((x) => x !== undefined && x !== '').join('.') + (ctx.top.EXTRAVERSION ?? '');
  let local = '';
  for (const f of ctx.tree.listDir('').filter((n) => n.startsWith('localversion') && !n.includes('~')).sort()) {
    const t = ctx.tree.tryReadText(f);
    if (t !== undefined) local += t.replace(/\n+$/, '').replace(/\n/g, '');
  }
  local += ctx.configValue('CONFIG_LOCALVERSION') + (ctx.top.LOCALVERSION ?? '');
  if (ctx.tree.exists('.git')) {
    ctx.gap(`${ctx.rule.target}: the version control suffix scripts/setlocalversion would add is not computed (git is never run)`);
  }
  return version + local;
}

export const kernelReleaseFile: Generator = (ctx) => (ctx.rule.kind === 'filechk' && ctx.rule.name === 'kernel.release' ? kernelRelease(ctx) + '\n' : undefined);

export const versionH: Generator = (ctx) => {
  if (ctx.rule.kind !== 'filechk' || ctx.rule.name !== 'version.h') return undefined;
  const def = ctx.rule.command;
  const num = (s: string | undefined) => (s === undefined || s === '' ? 0 : Number.parseInt(s, 10) || 0);
  const v = num(ctx.top.VERSION);
  const p = num(ctx.top.PATCHLEVEL);
  const s = num(ctx.top.SUBLEVEL);
  // since 4.9.x/5.x the sublevel is clamped at 255 (`if [ $(SUBLEVEL) -gt 255 ]`)
  const clamp = /-gt\s+255/.test(def);
  const lines = [`#define LINUX_VERSION_CODE ${v * 65536 + p * 256 + (clamp && s > 255 ? 255 : s)}`];
  // the KERNEL_VERSION line is echoed in single quotes: take it as the tree writes it (continuations joined)
  const kv = /'(#define KERNEL_VERSION[^']*)'/.exec(def.replace(/\s*\\\n\s*/g, ' '));
  lines.push(kv ? kv[1]!.replace(/\s+$/, '') : '#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + (c))');
  for (const [name, value] of [['MAJOR', v], ['PATCHLEVEL', p], ['SUBLEVEL', s]] as const) {
    if (def.includes(`LINUX_VERSION_${name}`)) lines.push(`#define LINUX_VERSION_${name} ${value}`);
  }
  return lines.join('\n') + '\n';
};

export const utsreleaseH: Generator = (ctx) => {
  if (ctx.rule.kind !== 'filechk' || ctx.rule.name !== 'utsrelease.h') return undefined;
  const rel = ctx.made.get('include/config/kernel.release')?.replace(/\n$/, '') ?? kernelRelease(ctx);
  if (rel.length > 64) ctx.problem(`"${rel}" exceeds 64 characters`, ctx.rule.span);
  return `#define UTS_RELEASE "${rel}"\n`;
};

export const compileH: Generator = (ctx) => {
  if (ctx.rule.kind !== 'filechk' || ctx.rule.name !== 'compile.h') return undefined;
  ctx.gap(`${ctx.rule.target}: LINUX_COMPILE_BY, LINUX_COMPILE_HOST and the linker version are placeholders`);
  const cc = ctx.configValue('CONFIG_CC_VERSION_TEXT');
  const lines = [
    `#define UTS_MACHINE\t\t"${ctx.top.UTS_MACHINE || ctx.config.arch}"`,
    `#define LINUX_COMPILE_BY\t"${BUILD_PLACEHOLDERS.user}"`,
    `#define LINUX_COMPILE_HOST\t"${BUILD_PLACEHOLDERS.host}"`,
    `#define LINUX_COMPILER\t\t"${cc}, ${BUILD_PLACEHOLDERS.ldVersion}"`,
  ];
  return lines.join('\n') + '\n';
};

export const packageH: Generator = (ctx) => {
  if (ctx.rule.kind !== 'filechk' || ctx.rule.name !== 'package.h') return undefined;
  // the distribution's package id only for DISTRIBUTION_OFFICIAL_BUILD builds, which a check never is
  return '#define LINUX_PACKAGE_ID ""\n';
};

/**
 * init/utsversion-tmp.h, include/generated/utsversion.h (filechk_uts_version): "#BUILD SMP PREEMPT… TIMESTAMP", what
 * `uname -v` says. The build number and time are placeholders; the flags come from the configuration as
 * init/Makefile derives them.
 */
export const utsVersion: Generator = (ctx) => {
  if (ctx.rule.kind !== 'filechk' || ctx.rule.name !== 'uts_version') return undefined;
  const on = (s: string) => ctx.configValue(s) === 'y';
  const flags = [on('CONFIG_SMP') ? 'SMP' : '', on('CONFIG_PREEMPT_RT') ? 'PREEMPT_RT' : on('CONFIG_PREEMPT_DYNAMIC') ? 'PREEMPT_DYNAMIC' : on('CONFIG_PREEMPT_BUILD') ? 'PREEMPT' : ''].filter(Boolean);
  ctx.gap(`${ctx.rule.target}: the build number and timestamp of UTS_VERSION are placeholders`);
  return `#define UTS_VERSION "${['#1', ...flags, BUILD_PLACEHOLDERS.timestamp].join(' ').slice(0, 64)}"\n`;
};
