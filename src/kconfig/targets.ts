import { InputError } from '../core/errors.js';
import { type ConfMode, type ConfRun, runConf } from './conf.js';
import type { ConfigSource } from './confdata.js';
import type { KconfigModel } from './load.js';

/**
 * The kernel's configuration make targets, as a sequence (like `make defconfig kvm_guest.config`): each one
 * starts from the .config the previous one wrote. Mirrors scripts/kconfig/Makefile: `*_defconfig`, `defconfig`
 * (KBUILD_DEFCONFIG), all{no,yes,mod,def}config and randconfig (KCONFIG_ALLCONFIG, KCONFIG_SEED), `olddefconfig`,
 * `*.config` fragments (merge_config.sh -m, then olddefconfig), `tinyconfig`, and riscv's rv32/rv64 targets.
 */

export interface TargetEnv {
  /** KCONFIG_ALLCONFIG: a tree-relative fragment for all*config/randconfig */
  allconfig?: string;
  /** KCONFIG_SEED for randconfig */
  seed?: number;
  /** KCONFIG_PROBABILITY for randconfig */
  probability?: string;
}

/** the defconfig file `make NAME` would use (arch/$SRCARCH/configs/NAME; "defconfig" may mean KBUILD_DEFCONFIG) */
export function defconfigPath(model: KconfigModel, name: string): string {
  const direct = `arch/${model.srcarch}/configs/${name}`;
  if (model.tree.isFile(direct)) return direct;
  if (name === 'defconfig') {
    const mk = model.tree.tryReadText(`arch/${model.srcarch}/Makefile`) ?? '';
    const m = /^\s*KBUILD_DEFCONFIG\s*:?=\s*(\S+)/m.exec(mk);
    if (m) {
      let n = m[1]!;
      // arch/x86/Makefile picks by ARCH (and the build host): x86 → x86_64_defconfig on a 64-bit host
      if (model.srcarch === 'x86') n = model.arch === 'i386' ? 'i386_defconfig' : 'x86_64_defconfig';
      n = n.replace('$(ARCH)', model.arch);
      const p = `arch/${model.srcarch}/configs/${n}`;
      if (model.tree.isFile(p)) return p;
    }
  }
  throw new InputError(`no defconfig '${name}' for ARCH=${model.arch} (looked for ${direct})`);
}

/** merge_config.sh -m: lines of the base that set a symbol the fragment sets are dropped, the fragment appended */
export function mergeConfigText(base: string, fragment: string): string {
  const cfgs: string[] = [];
  for (const line of fragment.split('\n')) {
    const m = /^(CONFIG_[a-zA-Z0-9_]*)=/.exec(line) ?? /^# (CONFIG_[a-zA-Z0-9_]*) is not set$/.exec(line);
    if (m) cfgs.push(m[1]!);
  }
  let lines = base.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const cfg of cfgs) {
    const word = new RegExp(`(^|[^A-Za-z0-9_])${cfg}([^A-Za-z0-9_]|$)`);
    if (!lines.some((l) => word.test(l))) continue;
    lines = lines.filter((l) => !l.includes(`${cfg} `) && !l.includes(`${cfg}=`));
  }
  let out = lines.length ? lines.join('\n') + '\n' : '';
  out += '\n';
  out += fragment;
  return out;
}

function fragmentFiles(model: KconfigModel, name: string): string[] {
  return [`kernel/configs/${name}`, `arch/${model.srcarch}/configs/${name}`].filter((p) => model.tree.isFile(p));
}

function source(model: KconfigModel, path: string): ConfigSource {
  return { name: path, text: model.tree.readText(path) };
}

/** Run `make <targets…>` configuration targets from an empty object directory; returns the last conf run. */
export function runMakeTargets(model: KconfigModel, targets: string[], env: TargetEnv = {}): ConfRun {
  let run: ConfRun | undefined;
  const current = (): ConfigSource | undefined => (run ? { name: '.config', text: run.dotconfig } : undefined);
  const allconfig = (name?: string) => {
    const p = name ?? env.allconfig;
    return p ? source(model, p) : undefined;
  };
  const all = (kind: 'allnoconfig' | 'allyesconfig' | 'allmodconfig' | 'alldefconfig', ac?: string): ConfRun => {
    const a = allconfig(ac);
    return runConf(model, a ? { kind, allconfig: a } : { kind });
  };
  for (const t of targets) {
    switch (t) {
      case 'allnoconfig':
      case 'allyesconfig':
      case 'allmodconfig':
      case 'alldefconfig':
        run = all(t);
        break;
      case 'randconfig': {
        const a = allconfig();
        const mode: ConfMode = { kind: 'randconfig', seed: env.seed ?? 0 };
        if (a) mode.allconfig = a;
        if (env.probability) mode.probability = env.probability;
        run = runConf(model, mode);
        break;
      }
      case 'olddefconfig':
      case 'oldconfig':
      case 'syncconfig': {
        const cur = current();
        run = runConf(model, cur ? { kind: 'olddefconfig', source: cur } : { kind: 'olddefconfig' });
        break;
      }
      case 'tinyconfig':
        run = all('allnoconfig', 'kernel/configs/tiny-base.config');
        run = fragment(model, 'tiny.config', current());
        break;
      case 'rv32_defconfig':
      case 'rv64_defconfig':
        if (model.srcarch !== 'riscv') throw new InputError(`make target ${t} exists only for riscv`);
        run = runConf(model, { kind: 'defconfig', source: source(model, defconfigPath(model, 'defconfig')) });
        if (t === 'rv32_defconfig') run = fragment(model, '32-bit.config', current());
        break;
      case 'rv32_randconfig':
      case 'rv64_randconfig': {
        if (model.srcarch !== 'riscv') throw new InputError(`make target ${t} exists only for riscv`);
        const mode: ConfMode = {
          kind: 'randconfig',
          seed: env.seed ?? 0,
          allconfig: source(model, `arch/riscv/configs/${t === 'rv32_randconfig' ? '32' : '64'}-bit.config`),
        };
        run = runConf(model, mode);
        break;
      }
      default:
        if (t === 'defconfig' || t.endsWith('_defconfig')) {
          run = runConf(model, { kind: 'defconfig', source: source(model, defconfigPath(model, t)) });
        } else if (t.endsWith('.config')) {
          run = fragment(model, t, current());
        } else throw new InputError(`unknown configuration target '${t}'`);
    }
  }
  if (!run) throw new InputError('no configuration target given');
  return run;
}

function fragment(model: KconfigModel, name: string, cur: ConfigSource | undefined): ConfRun {
  const files = fragmentFiles(model, name);
  if (!files.length) throw new InputError(`No configuration exists for this target on this architecture: ${name}`);
  let text = cur?.text ?? '';
  for (const f of files) text = mergeConfigText(text, model.tree.readText(f));
  return runConf(model, { kind: 'olddefconfig', source: { name: '.config', text } });
}
