// The monitoring artefacts as the tests see them: the PrometheusRule's alerts, the Grafana
// dashboards, every PromQL expression and Postgres query they contain, and how Grafana would
// fill in their variables and macros before sending them (so the tests can send them to a
// real Prometheus and a real Postgres).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from './sink-fixtures.ts';

export const monitoringDir = join(repoRoot, 'k8s', 'components', 'monitoring');
export const dashboardsDir = join(monitoringDir, 'dashboards');
export const runbooksDir = join(repoRoot, 'docs', 'runbooks');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleGroup { name: string; rules: AlertRule[] }

export function ruleGroups(): RuleGroup[] {
  const rule = parse(readFileSync(join(monitoringDir, 'prometheus-rule.yaml'), 'utf8')) as { spec: { groups: RuleGroup[] } };
  return rule.spec.groups;
}

export function alertRules(): AlertRule[] {
  return ruleGroups().flatMap((group) => group.rules);
}

/** The PrometheusRule's groups as a plain Prometheus rule file (what promtool and prometheus read), in a temp dir. */
export function writeRuleFile(dir: string): string {
  const path = join(dir, 'rules.yaml');
  writeFileSync(path, stringify({ groups: ruleGroups() }));
  return path;
}

/** A temporary directory, removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }); } };
}

export interface DataSourceRef { type: string; uid: string }
export interface Target { refId: string; datasource?: DataSourceRef; expr?: string; rawSql?: string; format?: string }
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
export interface Variable { name: string; type: string; query?: unknown; datasource?: DataSourceRef; allValue?: string }
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  [key: string]: unknown;
}

export function dashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface Query { where: string; text: string }

/** PromQL of every panel target. */
export function panelPromQueries(dashboard: Dashboard): Query[] {
  return allPanels(dashboard).flatMap((p) => (p.targets ?? []).filter((t) => t.expr !== undefined)
    .map((t) => ({ where: `${dashboard.uid} / ${p.title} / ${t.refId}`, text: t.expr! })));
}

/** SQL of every panel target and of every query variable on a SQL data source. */
export function sqlQueries(dashboard: Dashboard): Query[] {
  const panels = allPanels(dashboard).flatMap((p) => (p.targets ?? []).filter((t) => t.rawSql !== undefined)
    .map((t) => ({ where: `${dashboard.uid} / ${p.title} / ${t.refId}`, text: t.rawSql! })));
  const variables = dashboard.templating.list.filter((v) => v.type === 'query' && typeof v.query === 'string')
    .map((v) => ({ where: `${dashboard.uid} / variable ${v.name}`, text: v.query as string }));
  return [...variables, ...panels];
}

/** `label_values(<metric>, <label>)` of every Prometheus query variable. */
export function labelValuesVariables(dashboard: Dashboard): { where: string; metric: string; label: string }[] {
  return dashboard.templating.list.flatMap((v) => {
    const query = (v.query as { query?: string } | undefined)?.query;
    const match = query === undefined ? null : /^label_values\((\w+),\s*(\w+)\)$/.exec(query);
    return match === null ? [] : [{ where: `${dashboard.uid} / variable ${v.name}`, metric: match[1]!, label: match[2]! }];
  });
}

/** Every PromQL expression of the dashboards and the alert rules. */
export function allPromQueries(): Query[] {
  return [
    ...dashboards().flatMap(({ dashboard }) => panelPromQueries(dashboard)),
    ...alertRules().map((r) => ({ where: `alert ${r.alert}`, text: r.expr })),
  ];
}

/** Grafana's interval variables as the tests fill them in, for a Prometheus scraping every second. */
const PROM_INTERVALS: Record<string, string> = { __rate_interval: '30s', __interval: '5s', __range: '2m' };

/**
 * A dashboard expression as Grafana sends it: interval variables replaced, and every other
 * `$var` / `${var}` by `values[var]` (for a regex matcher `.+` is "All"). Throws on a variable
 * it does not know, so a new one has to be added here deliberately.
 */
export function fillPromVariables(expr: string, values: Record<string, string> = {}): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = PROM_INTERVALS[name] ?? values[name];
    if (value === undefined) throw new Error(`unknown variable $${name} in ${expr}`);
    return value;
  });
}

/**
 * A Postgres panel's SQL as Grafana's SQL data source sends it: `$__timeFilter(col)` becomes a
 * BETWEEN over the time range, `$var` the variable's value (single-valued variables are
 * inserted as they are). Throws on any macro or variable it does not know.
 */
export function fillSqlVariables(sql: string, values: Record<string, string>, range: { from: Date; to: Date }): string {
  const withMacros = sql.replace(/\$__(\w+)\(([^)]*)\)/g, (all, macro: string, argument: string) => {
    if (macro === 'timeFilter') return `${argument.trim()} BETWEEN '${range.from.toISOString()}' AND '${range.to.toISOString()}'`;
    throw new Error(`unknown SQL macro ${all}`);
  });
  return withMacros.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = values[name];
    if (value === undefined) throw new Error(`unknown variable $${name} in ${sql}`);
    return value;
  });
}

/** Metric names an expression selects (identifiers that are not functions, keywords or labels). */
export function metricNames(expr: string): string[] {
  const withoutMatchers = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""').replace(/'[^']*'/g, "''").replace(/\[[^\]]*\]/g, '[]');
  const withoutGrouping = withoutMatchers.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const match of withoutGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)) {
    const [, name, call] = match;
    if (call !== undefined || /^(and|or|unless|bool|offset|by|without|inf|nan)$/i.test(name!) || /^\d/.test(name!)) continue;
    if (/^\d+[smhdwy]$/.test(name!)) continue;
    names.add(name!);
  }
  return [...names];
}
