import type { Diagnostic } from '../core/types.js';
import { kdiag, span } from './diagnostics.js';
import type { Evaluator, Tri } from './eval.js';
import { stringValid } from './finalize.js';
import { F_CHOICE, F_DEF_USER, F_NO_WRITE, F_VALID, F_WRITE, F_WRITTEN, type MenuNode, type Sym } from './model.js';

/**
 * Reading and writing configurations the way scripts/kconfig/confdata.c does: the .config / defconfig reader
 * (conf_read_simple + conf_read), the .config writer (menu order, with "# end of" lines and comments) and the
 * include/generated/autoconf.h writer (conf's symbol-table order).
 */

export interface ConfigSource {
  /** shown in diagnostics (tree-relative path or a label like "<overrides>") */
  name: string;
  text: string;
}

export class ConfData {
  warnings = 0;

  constructor(
    private readonly ev: Evaluator,
    private readonly hashOrder: Sym[],
    private readonly diags: Diagnostic[],
  ) {}

  private warn(file: string, line: number, msg: string): void {
    this.warnings++;
    this.diags.push(kdiag('dotconfig', 'warning', msg, span(file, line), { subject: `${file}:${line}:${msg}` }));
  }

  /** conf_read_simple(name, S_DEF_USER) */
  readSimple(src: ConfigSource): void {
    const ev = this.ev;
    const fl = ev.flags;
    this.warnings = 0;
    for (const s of this.hashOrder) {
      fl[s.id]! &= ~(F_DEF_USER | F_VALID);
      if (fl[s.id]! & F_CHOICE) fl[s.id]! |= F_DEF_USER;
      ev.defVal[s.id] = null;
      ev.defTri[s.id] = 0;
      ev.defChoice[s.id] = null;
    }
    const lines = src.text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    let lineno = 0;
    for (let line of lines) {
      lineno++;
      let name: string;
      let val: string;
      if (line.startsWith('#')) {
        if (line[1] !== ' ') continue;
        const p = line.slice(2);
        if (!p.startsWith('CONFIG_')) continue;
        const rest = p.slice(7);
        const sp = rest.indexOf(' ');
        if (sp < 0) continue;
        name = rest.slice(0, sp);
        if (!rest.slice(sp + 1).startsWith('is not set')) continue;
        val = 'n';
      } else if (line.startsWith('CONFIG_')) {
        const rest = line.slice(7);
        const eq = rest.indexOf('=');
        if (eq < 0) continue;
        name = rest.slice(0, eq);
        val = rest.slice(eq + 1);
        // conf strips one '\r' only when the line had a '\n'
        if (lineno < lines.length || src.text.endsWith('\n')) {
          if (val.endsWith('\r')) val = val.slice(0, -1);
        }
      } else {
        if (line !== '' && line[0] !== '\r') {
          line = line.split('\r')[0]!;
          this.warn(src.name, lineno, `unexpected data: ${line}`);
        }
        continue;
      }
      const sym = ev.syms.find(name);
      if (!sym) {
        ev.changed = true;
        continue;
      }
      if (fl[sym.id]! & F_DEF_USER) this.warn(src.name, lineno, `override: reassigning to symbol ${sym.name}`);
      if (this.setSymVal(sym, val, src.name, lineno)) continue;
      if (sym.isChoiceValue) {
        const cs = sym.choice!;
        switch (ev.defTri[sym.id]) {
          case 1:
            if (ev.defTri[cs.id] === 2) {
              this.warn(src.name, lineno, `${sym.name} creates inconsistent choice state`);
              fl[cs.id]! &= ~F_DEF_USER;
            }
            break;
          case 2:
            if (ev.defTri[cs.id] !== 0) this.warn(src.name, lineno, `override: ${sym.name} changes choice state`);
            ev.defChoice[cs.id] = sym;
            break;
          default:
            break;
        }
        const a = ev.defTri[cs.id]!;
        const b = ev.defTri[sym.id]!;
        ev.defTri[cs.id] = a > b ? a : b;
      }
    }
  }

  /** conf_set_sym_val for S_DEF_USER; returns true on error */
  private setSymVal(sym: Sym, p: string, file: string, line: number): boolean {
    const ev = this.ev;
    const set = (t: Tri) => {
      ev.defTri[sym.id] = t;
      ev.flags[sym.id]! |= F_DEF_USER;
    };
    switch (sym.type) {
      case 'tristate':
      case 'bool':
        if (sym.type === 'tristate' && p[0] === 'm') {
          set(1);
          return false;
        }
        if (p[0] === 'y') {
          set(2);
          return false;
        }
        if (p[0] === 'n') {
          set(0);
          return false;
        }
        this.warn(file, line, `symbol value '${p}' invalid for ${sym.name}`);
        return true;
      case 'string': {
        if (p[0] !== '"') return false;
        let out = '';
        let i = 1;
        let closed = false;
        while (i < p.length) {
          const c = p[i]!;
          if (c === '"') {
            closed = true;
            break;
          }
          if (c === '\\') {
            if (i + 1 < p.length) out += p[i + 1];
            i += 2;
            continue;
          }
          out += c;
          i++;
        }
        if (!closed) {
          this.warn(file, line, 'invalid string found');
          return true;
        }
        ev.defVal[sym.id] = out;
        ev.flags[sym.id]! |= F_DEF_USER;
        return false;
      }
      case 'int':
      case 'hex':
        if (stringValid(sym.type, p)) {
          ev.defVal[sym.id] = p;
          ev.flags[sym.id]! |= F_DEF_USER;
          return false;
        }
        this.warn(file, line, `symbol value '${p}' invalid for ${sym.name}`);
        return true;
      default:
        return false;
    }
  }

  /** conf_read(name): read, compute everything, and drop user values conf would drop */
  read(src: ConfigSource | undefined): boolean {
    const ev = this.ev;
    const fl = ev.flags;
    ev.changed = false;
    if (!src) {
      ev.changed = true;
      ev.calcValue(ev.modules);
      return false;
    }
    this.readSimple(src);
    ev.calcValue(ev.modules);
    let unsaved = 0;
    for (const s of this.hashOrder) {
      ev.calcValue(s);
      if (fl[s.id]! & (F_CHOICE | F_NO_WRITE)) continue;
      const hasVal = (fl[s.id]! & F_DEF_USER) !== 0;
      if (hasVal && fl[s.id]! & F_WRITE) {
        if (s.type === 'bool' || s.type === 'tristate') {
          if (ev.defTri[s.id] === ev.currTri[s.id]) continue;
        } else if ((ev.currVal[s.id] ?? '') === (ev.defVal[s.id] ?? '')) continue;
      } else if (!hasVal && !(fl[s.id]! & F_WRITE)) continue;
      unsaved++;
    }
    for (const s of this.hashOrder) {
      if (!(fl[s.id]! & F_DEF_USER) || s.isChoiceValue) continue;
      if (ev.visible[s.id] === 0 && !unsaved) fl[s.id]! &= ~F_DEF_USER;
      if (s.type === 'string' || s.type === 'int' || s.type === 'hex') {
        if (ev.stringWithinRange(s, ev.defVal[s.id] ?? '')) continue;
        fl[s.id]! &= ~(F_VALID | F_DEF_USER);
        unsaved++;
      }
    }
    if (this.warnings || unsaved) ev.changed = true;
    return true;
  }
}

/** conf_write: the .config text */
export function writeDotConfig(ev: Evaluator, root: MenuNode, title: string): string {
  const fl = ev.flags;
  let out = `#\n# Automatically generated file; DO NOT EDIT.\n# ${title}\n#\n`;
  if (!ev.changed) ev.clearAllValid();
  let needNewline = false;
  let node: MenuNode | null = root.list;
  const written: Sym[] = [];
  while (node) {
    const sym = node.sym;
    if (!sym) {
      if (menuIsVisible(ev, node)) {
        out += `\n#\n# ${node.prompt!.text}\n#\n`;
        needNewline = false;
      }
    } else if (!(fl[sym.id]! & F_CHOICE) && !(fl[sym.id]! & F_WRITTEN)) {
      ev.calcValue(sym);
      if (fl[sym.id]! & F_WRITE) {
        if (needNewline) {
          out += '\n';
          needNewline = false;
        }
        fl[sym.id]! |= F_WRITTEN;
        written.push(sym);
        out += dotConfigLine(ev, sym);
      }
    }
    if (node.list) {
      node = node.list;
      continue;
    }
    const endOf = ev.dialect.endOfMenu;
    if (endOf !== 'menu') {
      // ≤5.x: climb to the next node; 5.x prints `# end of` for each visible menu it climbs out of
      if (node.next) node = node.next;
      else {
        for (;;) {
          node = node.parent;
          if (!node) break;
          if (endOf === 'climb' && !node.sym && node !== root && menuIsVisible(ev, node)) {
            out += `# end of ${node.prompt!.text}\n`;
            needNewline = true;
          }
          if (node.next) {
            node = node.next;
            break;
          }
        }
      }
      continue;
    }
    for (;;) {
      // 6.1 closes a menu (also an empty one) after its children
      if (!node.sym && node !== root && node.prompt?.type === 'menu' && menuIsVisible(ev, node)) {
        out += `# end of ${node.prompt.text}\n`;
        needNewline = true;
      }
      if (node.next) {
        node = node.next;
        break;
      }
      node = node.parent;
      if (!node) break;
    }
  }
  for (const s of written) fl[s.id]! &= ~F_WRITTEN;
  ev.changed = false;
  return out;
}

function dotConfigLine(ev: Evaluator, sym: Sym): string {
  if (sym.type === 'unknown') return '';
  const val = ev.stringValue(sym);
  if ((sym.type === 'bool' || sym.type === 'tristate') && val === 'n') return `# CONFIG_${sym.name} is not set\n`;
  return `CONFIG_${sym.name}=${sym.type === 'string' ? escapeString(val) : val}\n`;
}

export function escapeString(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** menu_is_visible */
export function menuIsVisible(ev: Evaluator, m: MenuNode): boolean {
  if (!m.prompt) return false;
  if (m.visibility && ev.calc(m.visibility) === 0) return false;
  const sym = m.sym;
  let visible: Tri;
  if (sym) {
    ev.calcValue(sym);
    visible = ev.propVis[m.prompt.id] as Tri;
  } else {
    visible = ev.calc(m.prompt.visible);
    if (m.prompt.id >= 0) ev.propVis[m.prompt.id] = visible;
  }
  if (visible !== 0) return true;
  if (!sym || ev.currTri[sym.id] === 0) return false;
  for (let c = m.list; c; c = c.next) {
    if (menuIsVisible(ev, c)) {
      ev.flags[sym.id]! |= F_DEF_USER;
      return true;
    }
  }
  return false;
}

/** conf_write_autoconf's autoconf.h (values must already be computed) */
export function writeAutoconf(ev: Evaluator, hashOrder: Sym[], title: string): string {
  ev.calcValue(ev.modules);
  for (const s of hashOrder) ev.calcValue(s);
  let out = ev.dialect.autoconfHeaderStars
    ? `/*\n *\n * Automatically generated file; DO NOT EDIT.\n * ${title}\n *\n */\n`
    : `/*\n * Automatically generated file; DO NOT EDIT.\n * ${title}\n */\n`;
  for (const s of hashOrder) {
    if (!(ev.flags[s.id]! & F_WRITE) || s.name === null || s.type === 'unknown') continue;
    let val = ev.stringValue(s);
    let suffix = '';
    let prefix = '';
    switch (s.type) {
      case 'bool':
      case 'tristate':
        if (val === 'n') continue;
        if (val === 'm') suffix = '_MODULE';
        val = '1';
        break;
      case 'hex':
        if (!/^0[xX]/.test(val)) prefix = '0x';
        break;
      case 'string':
        val = escapeString(val);
        break;
      default:
        break;
    }
    out += `#define CONFIG_${s.name}${suffix} ${prefix}${val}\n`;
  }
  return out;
}

/** include/config/auto.conf (the make-syntax twin of autoconf.h) */
export function writeAutoConf(ev: Evaluator, hashOrder: Sym[], title: string): string {
  let out = `#\n# Automatically generated file; DO NOT EDIT.\n# ${title}\n#\n`;
  for (const s of hashOrder) {
    if (!(ev.flags[s.id]! & F_WRITE) || s.name === null || s.type === 'unknown') continue;
    const val = ev.stringValue(s);
    if ((s.type === 'bool' || s.type === 'tristate') && val === 'n') continue;
    out += `CONFIG_${s.name}=${s.type === 'string' && ev.dialect.autoConfQuoted ? escapeString(val) : val}\n`;
  }
  return out;
}
