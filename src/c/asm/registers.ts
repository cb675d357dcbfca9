/**
 * Operand words that are not symbols, per architecture: registers, shift and extend operators, barrier options,
 * condition codes, coprocessor names, system registers. Anything else in an instruction operand is a symbol to gas.
 */

const ARM_WORDS = new Set([
  'sp', 'lr', 'pc', 'ip', 'fp', 'sl', 'sb', 'tr', 'wr', 'lsl', 'lsr', 'asr', 'ror', 'rrx', 'sy', 'st', 'ld', 'ish',
  'ishst', 'ishld', 'nsh', 'nshst', 'nshld', 'osh', 'oshst', 'oshld', 'un', 'unst', 'cpsr', 'spsr', 'apsr', 'fpscr',
  'fpexc', 'fpsid', 'fpinst', 'fpinst2', 'mvfr0', 'mvfr1', 'mvfr2', 'be', 'le', 'eq', 'ne', 'cs', 'hs', 'cc', 'lo',
  'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'al', 'elr_hyp', 'spsr_hyp', 'sp_hyp', 'apsr_nzcv', 'i', 'f',
  'a', 'if', 'ai', 'af', 'aif', 'iflags', 'uxtb', 'uxth', 'sxtb', 'sxth', 'primask', 'basepri', 'faultmask',
  'control', 'msp', 'psp', 'xpsr', 'ipsr', 'epsr', 'iepsr', 'basepri_max',
]);

const ARM64_WORDS = new Set([
  'sp', 'wsp', 'xzr', 'wzr', 'lr', 'fp', 'lsl', 'lsr', 'asr', 'ror', 'uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth',
  'sxtw', 'sxtx', 'msl', 'eq', 'ne', 'cs', 'hs', 'cc', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt',
  'le', 'al', 'nv', 'sy', 'st', 'ld', 'ish', 'ishst', 'ishld', 'nsh', 'nshst', 'nshld', 'osh', 'oshst', 'oshld',
  'daif', 'daifset', 'daifclr', 'spsel', 'nzcv', 'fpcr', 'fpsr', 'currentel', 'pan', 'uao', 'dit', 'ssbs', 'tco',
  'pldl1keep', 'pldl1strm', 'pldl2keep', 'pldl2strm', 'pldl3keep', 'pldl3strm', 'pstl1keep', 'pstl1strm',
  'pstl2keep', 'pstl2strm', 'pstl3keep', 'pstl3strm', 'plil1keep', 'plil1strm', 'ivac', 'isw', 'csw', 'cisw',
  'zva', 'cvac', 'cvau', 'civac', 'cvap', 'cvadp', 'ialluis', 'iallu', 'ivau', 'vmalle1', 'vmalle1is', 'vae1',
  'vae1is', 'vale1', 'vale1is', 'aside1', 'aside1is', 'vaae1', 'vaae1is', 'alle1', 'alle1is', 'alle2', 'alle2is',
  'c', 'j', 'jc', 'lo12', 'abs_g0', 'abs_g1', 'abs_g2', 'abs_g3', 'abs_g0_nc', 'abs_g1_nc', 'abs_g2_nc', 'pg_hi21',
  'got', 'got_lo12', 'tprel_hi12', 'tprel_lo12_nc', 'csync', 'dsync', 'rctx',
]);

const RISCV_WORDS = new Set([
  'zero', 'ra', 'sp', 'gp', 'tp', 'fp', 'hi', 'lo', 'pcrel_hi', 'pcrel_lo', 'got_pcrel_hi', 'tprel_hi', 'tprel_lo',
  'tprel_add', 'rw', 'r', 'w', 'iorw', 'io', 'i', 'o', 'rm', 'rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn',
]);

const RISCV_CSR = /^(s|m|h|v|u)?(status|ie|ip|tvec|epc|cause|tval|scratch|satp|counteren|envcfg|hartid|isa|vendorid|archid|impid|edeleg|ideleg|cycle|time|instret|cycleh|timeh|instreth|fcsr|frm|fflags|stimecmp|vstart|vl|vtype|vlenb|vxsat|vxrm|vcsr|atp)$/;

export function isNonSymbol(arch: string, id: string, op: string): boolean {
  const w = id.toLowerCase();
  switch (arch) {
    case 'arm':
      if (/^r([0-9]|1[0-5])$/.test(w)) return true;
      if (/^(r8|r9|r10|r11|r12|sp|lr)_(usr|fiq|irq|svc|abt|und|mon|hyp)$/.test(w)) return true;
      if (/^[sd]([0-9]|[12][0-9]|3[01])$/.test(w) || /^q([0-9]|1[0-5])$/.test(w)) return true;
      if (/^(p|c|cr)([0-9]|1[0-5])$/.test(w)) return true;
      if (/^[as]psr_[a-z]+$/.test(w) || /^cpsr_[a-z]+$/.test(w)) return true;
      if (/^[av][1-8]$/.test(w)) return true;
      // iWMMXt data and control registers (arch/arm/kernel/iwmmxt.S: tmrc r2, wCon)
      if (/^(wr([0-9]|1[0-5])|wc([0-9]|1[0-5])|wcgr[0-3]|wcid|wcon|wcssf|wcasf)$/.test(w)) return true;
      // `it` family condition operands, cps flags
      return ARM_WORDS.has(w) || (op.startsWith('it') && /^[a-z]{2}$/.test(w));
    case 'arm64':
      if (/^[xw]([0-9]|[12][0-9]|30)$/.test(w)) return true;
      if (/^[vqdshbz]([0-9]|[12][0-9]|3[01])(\.\d*[bhsdq])?$/.test(w)) return true;
      if (/^p([0-9]|1[0-5])$/.test(w)) return true;
      if (/_el[0-3]$/.test(w) || /^s\d_\d_c\d+_c\d+_\d$/.test(w)) return true;
      if (/^\d*[bhsdq]$/.test(w)) return true;
      return ARM64_WORDS.has(w) || op.startsWith('.arch');
    case 'riscv':
      if (/^x([0-9]|[12][0-9]|3[01])$/.test(w) || /^f([0-9]|[12][0-9]|3[01])$/.test(w)) return true;
      if (/^[ts]([0-9]|1[01])$/.test(w) || /^a[0-7]$/.test(w) || /^f[tsa]\d+$/.test(w) || /^v\d+$/.test(w)) return true;
      if (/^[em]\d+$/.test(w) || /^[tm][au]$/.test(w)) return true;
      return RISCV_WORDS.has(w) || RISCV_CSR.test(w);
    case 'x86':
      // AT&T syntax: registers carry '%', immediates '$'; bare words are symbols
      return false;
    default:
      return false;
  }
}
