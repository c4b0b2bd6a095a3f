/**
 * The page's whole state, and its round trip through the URL so a teacher can share a link to an
 * exact experiment. Reading a URL never throws: each bad field falls back to its default and
 * says so.
 */
import { ACTIVATIONS, type Activation } from '../experiment/activation';
import { DEFAULT_CONFIG, prepareExperiment, type ExperimentConfig } from '../experiment/config';
import { PAGE_ENGINES, type PageEngine } from '../experiment/engines';
import { isTargetName, MAX_FORMULA_LENGTH, TARGETS, type TargetName } from '../experiment/targets';
import type { Language } from '../plots/i18n';
import { parseDecimal } from '../experiment/numbers';
import type { Problem } from '../experiment/problems';
import { ConfigError } from '../errors';
import { fieldLink, NUMBER_FIELDS } from '../experiment/fields';

/** The numeric fields, with their URL names (the lecture's): fields.ts. */
export { NUMBER_FIELDS };

/** A numeric field's URL and form name. */
export type NumberField = keyof typeof NUMBER_FIELDS;

/** The engines the page offers (engines.ts). */
export { PAGE_ENGINES, type PageEngine };

/** Everything the page shows and a link carries. */
export interface PageState {
  config: ExperimentConfig;
  engine: PageEngine;
  showPoints: boolean;
}

/** The lecture's two runs. Example 2: more points, more steps, a smaller learning rate, 50 epochs. */
export const PRESETS = {
  example1: { ...DEFAULT_CONFIG },
  example2: { ...DEFAULT_CONFIG, points: 4000, steps: 160000, learningRate: 0.004 },
} as const;

/** The state a fresh page starts in. */
export const DEFAULT_STATE: PageState = { config: { ...DEFAULT_CONFIG, formula: TARGETS.lecture.formula }, engine: 'gpu', showPoints: false };

/** A number as a form field holds it: a finite decimal number, point or comma (see parseDecimal), or null. */
export const parseNumber = parseDecimal;

/** The query string of a state: every field, so the link is exact whatever the defaults become. */
export function stateToQuery(state: PageState, lang?: Language): string {
  const q = new URLSearchParams();
  for (const [name, field] of Object.entries(NUMBER_FIELDS)) q.set(name, String(state.config[field]));
  q.set('target', state.config.target);
  if (state.config.target === 'custom') q.set('formula', state.config.formula ?? '');
  if (!state.config.shuffle) q.set('shuffle', '0');
  if (state.config.activation !== 'sigmoid') q.set('activation', state.config.activation);
  q.set('engine', state.engine);
  if (state.showPoints) q.set('points', '1');
  if (lang) q.set('lang', lang);
  return q.toString();
}

/** What reading a URL gave: the state, the language if named, and a line for each field that was reset. */
export interface ParsedQuery {
  state: PageState;
  lang: Language | null;
  /** In English, one line a reset field. */
  notices: string[];
  /** The same as data, for the page's language: the parameter, what it held, why, and the value used instead. */
  problems: UrlProblem[];
}

/** A field of a link that was reset. */
export interface UrlProblem {
  name: string;
  problem: Problem;
  /** The value used instead, or null where nothing replaces it (lang). */
  fallback: string | null;
}

const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** Reads a state from a query string, field by field, each bad one replaced by its default. */
export function stateFromQuery(search: string): ParsedQuery {
  const q = new URLSearchParams(search);
  const notices: string[] = [];
  const problems: UrlProblem[] = [];
  const config: ExperimentConfig = { ...DEFAULT_STATE.config };
  for (const [name, field] of Object.entries(NUMBER_FIELDS) as [NumberField, (typeof NUMBER_FIELDS)[NumberField]][]) {
    const raw = q.get(name);
    if (raw === null) continue;
    const n = parseNumber(raw);
    if (n === null) {
      notices.push(`${name} = ${shown(raw)}: not a number; using ${config[field]}`);
      problems.push({ name, problem: { kind: 'notANumber', text: shown(raw) }, fallback: String(config[field]) });
    } else config[field] = n;
  }
  const target = q.get('target');
  if (target !== null) {
    if (isTargetName(target)) config.target = target as TargetName;
    else {
      notices.push(`target = ${shown(target)}: unknown; using ${config.target}`);
      problems.push({ name: 'target', problem: { kind: 'unknown', text: shown(target) }, fallback: config.target });
    }
  }
  if (config.target === 'custom') config.formula = (q.get('formula') ?? '').slice(0, MAX_FORMULA_LENGTH + 1);
  if (q.get('shuffle') === '0') config.shuffle = false;
  const activation = q.get('activation');
  if (activation !== null) {
    if ((ACTIVATIONS as readonly string[]).includes(activation)) config.activation = activation as Activation;
    else {
      notices.push(`activation = ${shown(activation)}: unknown; using ${config.activation}`);
      problems.push({ name: 'activation', problem: { kind: 'unknown', text: shown(activation) }, fallback: config.activation });
    }
  }
  // Fields that parse may still not fit together (a batch larger than the training set, a
  // formula that does not compile): reset the field the check names, until the config is valid.
  for (let i = 0; i < 12; i++) {
    try {
      prepareExperiment(config);
      break;
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        // No field to blame (nothing should get here): the whole experiment falls back, said so.
        notices.push(`${(e as Error).message}; using the defaults`);
        problems.push({ name: 'formula', problem: { kind: 'formula', detail: (e as Error).message }, fallback: DEFAULT_CONFIG.target });
        Object.assign(config, DEFAULT_STATE.config);
        continue;
      }
      const field = e.field === 'epochs' ? 'steps' : e.field;
      const fallback =
        field === 'formula' ? { target: DEFAULT_CONFIG.target, formula: DEFAULT_STATE.config.formula } : { [field]: DEFAULT_CONFIG[field as keyof typeof DEFAULT_CONFIG] };
      notices.push(`${e.message}; using the default`);
      Object.assign(config, fallback);
      const name = fieldLink(field) ?? field;
      problems.push({ name, problem: e.problem, fallback: field === 'formula' ? DEFAULT_CONFIG.target : String(config[field as keyof ExperimentConfig]) });
    }
  }
  const engineRaw = q.get('engine');
  let engine = DEFAULT_STATE.engine;
  if (engineRaw !== null) {
    if ((PAGE_ENGINES as readonly string[]).includes(engineRaw)) engine = engineRaw as PageEngine;
    else {
      notices.push(`engine = ${shown(engineRaw)}: unknown; using ${engine}`);
      problems.push({ name: 'engine', problem: { kind: 'unknown', text: shown(engineRaw) }, fallback: engine });
    }
  }
  const langRaw = q.get('lang');
  const lang = langRaw === 'en' || langRaw === 'sv' ? langRaw : null;
  if (langRaw !== null && lang === null) {
    notices.push(`lang = ${shown(langRaw)}: unknown`);
    problems.push({ name: 'lang', problem: { kind: 'unknown', text: shown(langRaw) }, fallback: null });
  }
  return { state: { config, engine, showPoints: q.get('points') === '1' }, lang, notices, problems };
}
