/**
 * A tree's own settings (`.kvlint.json` at its root) and baselines. What `check` calls:
 *
 *   const settings = loadSettings(tree);                       // defaults when the file is absent
 *   const matrix = buildMatrix(selection, settings.matrix);     // src/engine/matrix.ts
 *   ruleSeverity(settings, rule.meta.code, rule.meta.defaultSeverity)  // 'off' → skip the rule
 *   resolveOptions(rule.meta.name, rule.defaultOptions, ruleOptions(settings, rule.meta.code))
 *   const { diagnostics, ignored, unusedIgnores } = applySettings(settings, merged);
 *   // --baseline FILE:
 *   const { new: fresh, known, stale } = applyBaseline(readBaselineFile(file, cwd), diagnostics);
 *   // --write-baseline FILE:
 *   writeBaselineFile(file, createBaseline(diagnostics), cwd);
 */
export type { IgnoreEntry, MatrixSettings, RuleCatalogEntry, RuleSetting, Settings, SeveritySetting } from './types.js';
export { SETTINGS_FILE } from './types.js';
export { defaultSettings, loadSettings, parseSettings, type LoadOptions } from './load.js';
export { applySettings, ignoreMatcher, ruleOptions, ruleSeverity, type SettingsResult } from './apply.js';
export { loadToolchain } from './toolchain.js';
export {
  BASELINE_VERSION,
  applyBaseline,
  createBaseline,
  parseBaseline,
  readBaselineFile,
  serializeBaseline,
  writeBaselineFile,
  type Baseline,
  type BaselineEntry,
  type BaselineResult,
} from './baseline.js';
