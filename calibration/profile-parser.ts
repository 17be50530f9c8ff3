// Turns one profile file's text into a validated Profile, or into every problem found,
// each at file:line:col. Pure: the caller reads the file. It must never throw on bad
// input; a person fixing a file wants all problems at once, with places.
import { basename } from 'node:path';
import { CORE_SCHEMA, load as loadYamlFast } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { ProfileIssue } from './errors.ts';
import type { Bounds, MethodParams, Profile, ProfileVersion } from './profile.ts';
import { checkRules, parseValidFrom } from './profile-rules.ts';
import type { RuleIssue } from './profile-rules.ts';
import { MAX_ARRAY_ITEMS, profileSchema } from './profile-schema.ts';
import type { ProfileDocument, VersionDocument } from './profile-schema.ts';
import { versionIdentity } from './version-identity.ts';
import { locate, pathText } from './yaml-locate.ts';

export type ParseResult =
  | { ok: true; profile: Profile }
  | { ok: false; issues: ProfileIssue[] };

/** Aliases can expand exponentially ("billion laughs"); a profile has no use for many. */
const MAX_ALIAS_COUNT = 100;

/**
 * Problems reported per file, at most: a broken 100k-line file is fixed from its first few
 * problems, and a hundred thousand lines of them help nobody.
 */
export const MAX_ISSUES_PER_FILE = 50;

/**
 * `file` is used for messages and to derive the expected sensor id (`<sensor>.yaml`).
 * Never throws: a file the YAML parser or the schema cannot take at all (a stack overflow
 * on deep nesting, say) is one issue at 1:1 naming the file.
 */
export function parseProfile(file: string, source: string): ParseResult {
  let result: ParseResult;
  try {
    result = parseUnguarded(file, source);
  } catch (error) {
    const reason = error instanceof RangeError ? 'it is nested too deeply or has too many entries' : 'its checker failed';
    return { ok: false, issues: [{ file, line: 1, col: 1, message: `cannot check this file: ${reason} (${error instanceof Error ? firstLine(error.message) : String(error)})` }] };
  }
  if (result.ok || result.issues.length <= MAX_ISSUES_PER_FILE) return result;
  const shown = result.issues.slice(0, MAX_ISSUES_PER_FILE);
  const last = shown[shown.length - 1]!;
  shown.push({ file, line: last.line, col: last.col, message: `... and ${result.issues.length - MAX_ISSUES_PER_FILE} more problems in this file` });
  return { ok: false, issues: shown };
}

/**
 * Flow collections (`[`, `{`) nested deeper than this are refused before the YAML parser sees
 * them: a megabyte of `[` costs it seconds and a gigabyte of memory. A profile nests 4 deep.
 */
const MAX_FLOW_DEPTH = 100;

function parseUnguarded(file: string, source: string): ParseResult {
  const deep = flowTooDeep(source);
  if (deep !== undefined) {
    const before = source.slice(0, deep);
    const line = before.split('\n').length;
    const col = deep - before.lastIndexOf('\n');
    return { ok: false, issues: [{ file, line, col, message: `YAML: [ and { nested more than ${MAX_FLOW_DEPTH} deep` }] };
  }
  return parseValid(file, source) ?? parseWithPlaces(file, source);
}

/**
 * Text the fast parser could read differently from the full one (YAML 1.2 core): tags,
 * anchors and aliases, and the 0b/0x/0o integers that only js-yaml reads as numbers with a
 * sign or in binary. Such a file, however harmless, takes the full parser.
 */
const FAST_PATH_UNSAFE = /[!&*]|0[bBoOxX]/;

/**
 * The fast path for the common case, a valid profile: js-yaml (core schema, duplicate keys
 * refused) reads a file about ten times faster than the full parser, which keeps the node
 * positions every message needs. Only a profile that passes every check is taken from here;
 * anything else (a YAML error, a schema or rule issue, text in FAST_PATH_UNSAFE) returns
 * undefined and is parsed again by parseWithPlaces, so every verdict and message is the full
 * parser's. With 10,000 profiles this is what keeps start-up and a ConfigMap swap short.
 */
function parseValid(file: string, source: string): ParseResult | undefined {
  if (FAST_PATH_UNSAFE.test(source)) return undefined;
  let value: unknown;
  try {
    value = loadYamlFast(source, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || longArray(value) !== undefined) return undefined;
  const parsed = profileSchema.safeParse(value);
  if (!parsed.success) return undefined;
  if (checkRules(parsed.data, basename(file).replace(/\.yaml$/, '')).length > 0) return undefined;
  return { ok: true, profile: toProfile(file, parsed.data) };
}

/** The full parser alone, without the fast path: what the fast path must agree with (tests). */
export function parseProfileWithPlaces(file: string, source: string): ParseResult {
  try {
    return parseWithPlaces(file, source);
  } catch (error) {
    return { ok: false, issues: [{ file, line: 1, col: 1, message: `cannot check this file: ${error instanceof Error ? firstLine(error.message) : String(error)}` }] };
  }
}

function parseWithPlaces(file: string, source: string): ParseResult {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): { line: number; col: number } => {
    const pos = counter.linePos(offset);
    return { line: Math.max(pos.line, 1), col: Math.max(pos.col, 1) };
  };
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: `YAML: ${yamlMessage(e.code, e.message)}` })) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { ok: false, issues: [{ file, line: 1, col: 1, message: `YAML: ${error instanceof Error ? firstLine(error.message) : String(error)}` }] };
  }
  if (value === null || value === undefined) {
    return { ok: false, issues: [{ file, line: 1, col: 1, message: 'the file is empty: expected a profile with sensor, input_unit, unit and versions' }] };
  }
  // Before the schema: zod overflows its stack on an array with a hundred thousand bad items.
  const long = longArray(value);
  if (long !== undefined) {
    const where = locate(doc, counter, long.path);
    return { ok: false, issues: [{ file, line: where.line, col: where.col, message: `${pathText(long.path) || '(document)'}: ${long.length} items, more than the ${MAX_ARRAY_ITEMS} a profile may have` }] };
  }
  const parsed = profileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => schemaIssue(file, doc, counter, issue));
    return { ok: false, issues: sortIssues(issues) };
  }
  const expectedSensor = basename(file).replace(/\.yaml$/, '');
  const ruleIssues = checkRules(parsed.data, expectedSensor);
  if (ruleIssues.length > 0) {
    return { ok: false, issues: sortIssues(ruleIssues.map((issue) => ruleIssue(file, doc, counter, issue))) };
  }
  return { ok: true, profile: toProfile(file, parsed.data) };
}

interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  options?: unknown[];
}

function schemaIssue(file: string, doc: Document, counter: LineCounter, issue: SchemaIssue): ProfileIssue {
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined && issue.keys.length > 0) {
    const key = issue.keys[0]!;
    const where = locate(doc, counter, issue.path, key);
    const name = pathText([...issue.path, key]);
    const others = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
    return { file, line: where.line, col: where.col, message: `${name}: unknown key "${key}"${others}` };
  }
  const where = locate(doc, counter, issue.path);
  const name = pathText(issue.path) || '(document)';
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_union' && issue.options !== undefined) {
    return { file, line: where.line, col: where.col, message: `${name}: must be one of ${issue.options.map(String).join(', ')}` };
  }
  if (!where.exists && issue.code === 'invalid_type') {
    return { file, line: where.line, col: where.col, message: `${name}: missing required key "${String(last)}"` };
  }
  return { file, line: where.line, col: where.col, message: `${name}: ${issue.message.replace(/^Invalid input: /, '')}` };
}

/** The offset of the first `[` or `{` more than MAX_FLOW_DEPTH unclosed ones deep (counting every bracket, even in text: none is ever that deep). */
function flowTooDeep(source: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < source.length; i += 1) {
    const c = source.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The first array (depth first, without recursion) longer than MAX_ARRAY_ITEMS. */
function longArray(value: unknown): { path: PropertyKey[]; length: number } | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: node, path } = next;
    if (Array.isArray(node)) {
      if (node.length > MAX_ARRAY_ITEMS) return { path, length: node.length };
      node.forEach((item: unknown, i) => { if (item !== null && typeof item === 'object') stack.push({ value: item, path: [...path, i] }); });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) if (item !== null && typeof item === 'object') stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}

function ruleIssue(file: string, doc: Document, counter: LineCounter, issue: RuleIssue): ProfileIssue {
  const where = locate(doc, counter, issue.path);
  return { file, line: where.line, col: where.col, message: `${pathText(issue.path)}: ${issue.message}` };
}

function sortIssues(issues: ProfileIssue[]): ProfileIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

function yamlMessage(code: string, message: string): string {
  // The library's own wording points at its API; say what it means for a profile file.
  if (code === 'MULTIPLE_DOCS') return 'one profile per file, but this file has more than one YAML document (---)';
  return firstLine(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function toProfile(file: string, doc: ProfileDocument): Profile {
  const versions = doc.versions
    .map((v) => toVersion(doc, v))
    .sort((a, b) => a.validFrom - b.validFrom);
  return { sensor: doc.sensor, description: doc.description ?? null, file, versions };
}

function toVersion(doc: ProfileDocument, v: VersionDocument): ProfileVersion {
  const fields = {
    sensor: doc.sensor,
    validFrom: parseValidFrom(v.valid_from),
    inputUnit: doc.input_unit,
    unit: doc.unit,
    params: toParams(v),
    inputRange: toBounds(v.input_range ?? doc.input_range),
    limits: toBounds(v.limits ?? doc.limits),
  };
  return { ...fields, certificate: v.certificate ?? null, notes: v.notes ?? null, identity: versionIdentity(fields) };
}

function toParams(v: VersionDocument): MethodParams {
  switch (v.method) {
    case 'linear':
      return { method: 'linear', gain: v.gain, offset: v.offset };
    case 'polynomial':
      return { method: 'polynomial', coefficients: v.coefficients };
    case 'table':
      return { method: 'table', points: v.points, extrapolate: v.extrapolate ?? false };
    case 'steinhart-hart':
      return { method: 'steinhart-hart', a: v.a, b: v.b, c: v.c };
    case 'callendar-van-dusen':
      return { method: 'callendar-van-dusen', R0: v.R0, A: v.A, B: v.B, C: v.C };
  }
}

function toBounds(bounds: { min?: number | undefined; max?: number | undefined } | undefined): Bounds | null {
  if (bounds === undefined || (bounds.min === undefined && bounds.max === undefined)) return null;
  return { ...(bounds.min === undefined ? {} : { min: bounds.min }), ...(bounds.max === undefined ? {} : { max: bounds.max }) };
}
