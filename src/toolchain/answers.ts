import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SRCTREE_KEY, type ToolchainProfile } from './profile.js';

/**
 * Answers Kconfig's toolchain questions from a profile. With `probe`, questions the profile cannot answer are run
 * for real (the explicit opt-in of --probe-toolchain) and the answers recorded into `profile`, so that the same
 * file answers them next time without running anything.
 */

export interface Question {
  kind: 'cc-option' | 'as-instr' | 'ld-option' | 'success' | 'shell';
  key: string;
}

/** helper functions of scripts/Kconfig.include answered by their argument, and the profile map holding them */
const HELPERS: Record<string, 'ccOption' | 'asInstr' | 'ldOption'> = {
  'cc-option': 'ccOption',
  'as-instr': 'asInstr',
  'ld-option': 'ldOption',
};

export class ToolchainAnswers {
  /** questions the profile had no answer for (and that were not probed) */
  readonly missing: Question[] = [];
  /** questions answered by running commands (probe mode) */
  readonly probed: Question[] = [];
  private tmp: string | undefined;
  /** success keys probed while expanding each open helper call (dropped once the helper's own answer is kept) */
  private readonly frames: string[][] = [];

  constructor(
    readonly profile: ToolchainProfile,
    private readonly srctree: string,
    private readonly opts: { probe?: boolean; env?: Record<string, string> } = {},
  ) {}

  private key(s: string): string {
    return this.srctree ? s.split(this.srctree).join(SRCTREE_KEY) : s;
  }

  /** a helper call: 'y'/'n' (or then/else for if-success), or undefined to expand normally */
  helper(name: string, args: string[]): string | undefined {
    const map = HELPERS[name];
    if (map && args.length === 1) {
      const k = this.key(args[0]!);
      const known = this.profile[map]?.[k];
      if (known !== undefined) return known ? 'y' : 'n';
      // unknown: let the body expand into if-success, which is answered (or probed) below, then record here
      this.frames.push([]);
      return undefined;
    }
    if (name === 'if-success' && args.length >= 1) {
      const k = this.key(args[0]!);
      let ok = this.profile.success?.[k];
      if (ok === undefined) {
        if (this.opts.probe) {
          ok = this.run(`{ ${args[0]}; } >/dev/null 2>&1`).status === 0;
          (this.profile.success ??= {})[k] = ok;
          this.probed.push({ kind: 'success', key: k });
          this.frames[this.frames.length - 1]?.push(k);
        } else {
          this.missing.push({ kind: 'success', key: k });
          ok = false;
        }
      }
      return ok ? (args[1] ?? '') : (args[2] ?? '');
    }
    return undefined;
  }

  /** called after a helper's body was expanded, to record its answer under the helper's own key */
  recordHelper(name: string, args: string[], result: string): void {
    const map = HELPERS[name];
    if (!map || args.length !== 1) return;
    const frame = this.frames.pop() ?? [];
    if (!this.opts.probe || (result !== 'y' && result !== 'n')) return;
    (this.profile[map] ??= {})[this.key(args[0]!)] = result === 'y';
    // the helper's own answer replaces the command-level one it was computed from
    for (const k of frame) delete this.profile.success?.[k];
  }

  shell(cmd: string): string {
    const k = this.key(cmd);
    const known = this.profile.shell?.[k];
    if (known !== undefined) return known;
    if (this.opts.probe) {
      const out = normalize(this.run(cmd).stdout);
      (this.profile.shell ??= {})[k] = out;
      this.probed.push({ kind: 'shell', key: k });
      return out;
    }
    this.missing.push({ kind: 'shell', key: k });
    return '';
  }

  private run(cmd: string): { status: number; stdout: string } {
    // conf runs these in the object directory; cc-option creates .tmp_$$ there, so give it a scratch directory
    this.tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-probe-'));
    const r = spawnSync('/bin/sh', ['-c', cmd], {
      cwd: this.tmp,
      env: { ...process.env, ...this.profile.env, ...this.opts.env, srctree: this.srctree },
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    return { status: r.status ?? 1, stdout: r.stdout ?? '' };
  }

  dispose(): void {
    if (this.tmp) fs.rmSync(this.tmp, { recursive: true, force: true });
    this.tmp = undefined;
  }
}

function normalize(raw: string): string {
  let s = raw.length >= 4096 ? raw.slice(0, 4095) : raw;
  s = s.replace(/\n+$/, '');
  return s.replace(/\n/g, ' ');
}
