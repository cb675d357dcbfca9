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
 * include/config/auto.conf as Kbuild (6.1) reads it: every symbol that is not n; string values unquoted (conf stopped
 * quoting them in auto.conf in 5.18), empty strings as an empty value.
 */
export function autoConf(config: Config): string {
  const out: string[] = [];
  for (const [name, v] of config.values) {
    if (v === 0) continue;
    if (v === 2) out.push(`CONFIG_${name}=y`);
    else if (v === 1) out.push(`CONFIG_${name}=m`);
    else if (typeof v === 'string') out.push(`CONFIG_${name}=${v}`);
  }
  return out.join('\n') + '\n';
}
