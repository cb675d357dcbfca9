import { InputError } from '../core/errors.js';
import type { Config, SymbolValue } from '../core/types.js';

/**
 * A minimal reader of a resolved `.config` (as written by scripts/kconfig `conf`): CONFIG_X=y|m|value and
 * "# CONFIG_X is not set". It does no Kconfig evaluation at all — src/kconfig owns that; this exists so the Kbuild
 * stage and its tests can consume real configurations directly.
 */
export function parseDotConfig(text: string, arch: string, file = '.config'): Config {
  const values = new Map<string, SymbolValue>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    let m = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(l);
    if (m) {
      values.set(m[1]!, 0);
      continue;
    }
    if (l.startsWith('#')) continue;
    m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (!m) throw new InputError(`not a .config line: '${l}'`, { file, line: i + 1, col: 1 });
    const v = m[2]!;
    if (v === 'y') values.set(m[1]!, 2);
    else if (v === 'm') values.set(m[1]!, 1);
    else if (v === 'n') values.set(m[1]!, 0);
    else if (v.startsWith('"')) values.set(m[1]!, unquote(v));
    else values.set(m[1]!, v);
  }
  return {
    arch,
    values,
    base: { kind: 'file', path: file },
    overrides: {},
    ref: { id: `${arch}:${file}`, arch, label: `ARCH=${arch} ${file}`, overrides: {} },
  };
}

function unquote(v: string): string {
  if (!v.endsWith('"') || v.length < 2) return v;
  return v.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * include/config/auto.conf as Kbuild reads it: every symbol that is not n, strings quoted. A string value that
 * looks like a number cannot be told from an int here (Config carries no types), so it is written unquoted.
 */
export function autoConf(config: Config): string {
  const out: string[] = [];
  for (const [name, v] of config.values) {
    if (v === 0) continue;
    if (v === 2) out.push(`CONFIG_${name}=y`);
    else if (v === 1) out.push(`CONFIG_${name}=m`);
    else if (typeof v === 'string') {
      if (v !== '' && (/^-?\d+$/.test(v) || /^0[xX][0-9a-fA-F]+$/.test(v))) out.push(`CONFIG_${name}=${v}`);
      else out.push(`CONFIG_${name}="${v.replace(/(["\\])/g, '\\$1')}"`);
    }
  }
  return out.join('\n') + '\n';
}
