/**
 * Injected breaks for the real-tree test of the X rules (issue 7 acceptance): a small drivers/kvlint/ directory
 * laid over linux-source-6.1 in memory (KernelTree.withOverlay — the tree on disk is never written), with one module
 * (or built-in object) per kind of modpost/ld failure. Each file is written here; the kernel interfaces they call
 * were checked against the 6.1 sources and the real ARM build's Module.symvers:
 *  - do_exit (kernel/exit.c, always built, not exported in 6.1)                              -> X001
 *  - kobject_create_and_add (lib/kobject.c, EXPORT_SYMBOL_GPL) from a "Proprietary" module   -> X002
 *  - kv_ns_fn exported into namespace KVLINT_NS, used without MODULE_IMPORT_NS              -> X003
 *  - usb_register_driver (drivers/usb/core/driver.c: not built without CONFIG_USB)           -> X004
 *  - built-in code calling kv_mod_fn, defined only in a module                               -> X005
 *  - a module without MODULE_LICENSE; kv_dup_fn exported by two modules                      -> X006 (twice)
 */
export interface Injection {
  files: Record<string, string>;
  /** Kconfig overrides that build the injected code */
  overrides: Record<string, string>;
  /** what must be reported: code and a fragment of the message */
  expected: { code: string; message: string }[];
}

const GPL = 'MODULE_LICENSE("GPL");\n';

function mod(body: string, license = GPL): string {
  return `// SPDX-License-Identifier: GPL-2.0\n/* kvlint real-tree test: injected break */\n#include <linux/module.h>\n#include <linux/kernel.h>\n\n${body}\n${license}`;
}

export function injection(tree: { readText(p: string): string }): Injection {
  const driversKconfig = tree.readText('drivers/Kconfig');
  const driversMakefile = tree.readText('drivers/Makefile');
  const at = driversKconfig.lastIndexOf('endmenu');
  if (at < 0) throw new Error('drivers/Kconfig: no endmenu');
  const files: Record<string, string> = {
    'drivers/Kconfig': `${driversKconfig.slice(0, at)}source "drivers/kvlint/Kconfig"\n\n${driversKconfig.slice(at)}`,
    // obj-y: a directory reached only through obj-m never links its obj-y objects into vmlinux
    'drivers/Makefile': `${driversMakefile}obj-y += kvlint/\n`,
    'drivers/kvlint/Kconfig': [
      'config KVLINT_TEST',
      '\ttristate "kvlint real-tree test modules"',
      '\tdepends on MODULES',
      '',
      'config KVLINT_BUILTIN',
      '\tbool "kvlint real-tree test: a built-in caller"',
      '\tdepends on KVLINT_TEST',
      '',
    ].join('\n'),
    'drivers/kvlint/Makefile': [
      'obj-$(CONFIG_KVLINT_TEST) += kv_x001.o kv_x002.o kv_x003_exp.o kv_x003_use.o kv_x004.o',
      'obj-$(CONFIG_KVLINT_TEST) += kv_x005_mod.o kv_x006_nolic.o kv_x006_dup1.o kv_x006_dup2.o',
      'obj-$(CONFIG_KVLINT_BUILTIN) += kv_x005_core.o',
      '',
    ].join('\n'),
    'drivers/kvlint/kv_x001.c': mod(
      'static int __init kv_x001_init(void)\n{\n\tdo_exit(0);\n\treturn 0;\n}\nmodule_init(kv_x001_init);\n',
    ),
    'drivers/kvlint/kv_x002.c': mod(
      '#include <linux/kobject.h>\n\nstatic int __init kv_x002_init(void)\n{\n\treturn kobject_create_and_add("kv_x002", NULL) ? 0 : -1;\n}\nmodule_init(kv_x002_init);\n',
      'MODULE_LICENSE("Proprietary");\n',
    ),
    'drivers/kvlint/kv_x003_exp.c': mod('int kv_ns_fn(int x)\n{\n\treturn x + 1;\n}\nEXPORT_SYMBOL_NS_GPL(kv_ns_fn, KVLINT_NS);\n'),
    'drivers/kvlint/kv_x003_use.c': mod(
      'int kv_ns_fn(int x);\n\nstatic int __init kv_x003_init(void)\n{\n\treturn kv_ns_fn(1) == 2 ? 0 : -1;\n}\nmodule_init(kv_x003_init);\n',
    ),
    'drivers/kvlint/kv_x004.c': mod(
      '#include <linux/usb.h>\n\nstatic struct usb_driver kv_x004_driver = { .name = "kv_x004" };\n\nstatic int __init kv_x004_init(void)\n{\n\treturn usb_register(&kv_x004_driver);\n}\nmodule_init(kv_x004_init);\n',
    ),
    'drivers/kvlint/kv_x005_mod.c': mod('int kv_mod_fn(int x)\n{\n\treturn x * 2;\n}\n'),
    'drivers/kvlint/kv_x005_core.c':
      '// SPDX-License-Identifier: GPL-2.0\n/* kvlint real-tree test: built-in code calling into a module */\n#include <linux/init.h>\n#include <linux/kernel.h>\n\nint kv_mod_fn(int x);\n\nstatic int __init kv_x005_core_init(void)\n{\n\treturn kv_mod_fn(21) == 42 ? 0 : -1;\n}\nlate_initcall(kv_x005_core_init);\n',
    'drivers/kvlint/kv_x006_nolic.c': mod('static int __init kv_x006_init(void)\n{\n\treturn 0;\n}\nmodule_init(kv_x006_init);\n', ''),
    'drivers/kvlint/kv_x006_dup1.c': mod('int kv_dup_fn(void)\n{\n\treturn 1;\n}\nEXPORT_SYMBOL_GPL(kv_dup_fn);\n'),
    'drivers/kvlint/kv_x006_dup2.c': mod('int kv_dup_fn(void)\n{\n\treturn 2;\n}\nEXPORT_SYMBOL_GPL(kv_dup_fn);\n'),
  };
  return {
    files,
    overrides: { KVLINT_TEST: 'm', KVLINT_BUILTIN: 'y' },
    expected: [
      { code: 'X001', message: '"do_exit" [drivers/kvlint/kv_x001.ko] undefined!' },
      { code: 'X002', message: "GPL-incompatible module kv_x002.ko uses GPL-only symbol 'kobject_create_and_add'" },
      { code: 'X003', message: 'module kv_x003_use uses symbol kv_ns_fn from namespace KVLINT_NS, but does not import it.' },
      { code: 'X004', message: '"usb_register_driver" [drivers/kvlint/kv_x004.ko] undefined!' },
      { code: 'X005', message: "undefined reference to `kv_mod_fn'" },
      { code: 'X006', message: 'missing MODULE_LICENSE() in drivers/kvlint/kv_x006_nolic.o' },
      { code: 'X006', message: "drivers/kvlint/kv_x006_dup2: 'kv_dup_fn' exported twice. Previous export was in drivers/kvlint/kv_x006_dup1.ko" },
    ],
  };
}
