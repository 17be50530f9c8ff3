// The Grafana dashboards (k8s/components/monitoring/dashboards/*.json) have the structure of
// Grafana's dashboard JSON model (schema version, built-in panel types, grid positions, data
// sources referenced through a data source variable), select only metrics the code registers,
// and are shipped as ConfigMaps the Grafana sidecar loads. Whether their queries return data
// from a real Prometheus and Postgres: test/integration/monitoring/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { metricCatalog, seriesNames } from '../../../dev/monitoring/metric-catalog.ts';
import {
  allPanels, allPromQueries, dashboards, dashboardsDir, fillPromVariables, fillSqlVariables, labelValuesVariables, metricNames, sqlQueries,
} from '../../helpers/monitoring.ts';
import type { Dashboard } from '../../helpers/monitoring.ts';
import { find, rendered } from '../k8s/rendered.ts';

/** Grafana's own panel plugins that these dashboards may use (no external plugin to install). */
const PANEL_TYPES = ['row', 'timeseries', 'stat', 'state-timeline', 'bargauge', 'table', 'gauge', 'text', 'barchart', 'heatmap', 'piechart'];
/** Data source plugin ids: Prometheus, and Postgres as Grafana 10.3+ names it. */
const DATASOURCE_TYPES = ['prometheus', 'grafana-postgresql-datasource'];
/** Series Prometheus or prom-client's default metrics provide, beside the catalog's. */
const OUTSIDE_CATALOG = ['up', 'process_start_time_seconds'];

const dataSourceRef = {
  type: 'object', required: ['type', 'uid'], additionalProperties: false,
  properties: { type: { enum: DATASOURCE_TYPES }, uid: { type: 'string', pattern: '^\\$\\{\\w+\\}$' } },
};
const gridPos = {
  type: 'object', required: ['h', 'w', 'x', 'y'], additionalProperties: false,
  properties: { h: { type: 'integer', minimum: 1 }, w: { type: 'integer', minimum: 1, maximum: 24 }, x: { type: 'integer', minimum: 0, maximum: 23 }, y: { type: 'integer', minimum: 0 } },
};
const target = {
  type: 'object', required: ['refId', 'datasource'],
  properties: {
    refId: { type: 'string', pattern: '^[A-Z]$' }, datasource: dataSourceRef,
    expr: { type: 'string', minLength: 1 }, rawSql: { type: 'string', minLength: 1 }, format: { enum: ['time_series', 'table'] },
  },
  oneOf: [{ required: ['expr'] }, { required: ['rawSql', 'format'] }],
};
const panel = {
  type: 'object', required: ['id', 'type', 'title', 'gridPos'],
  properties: {
    id: { type: 'integer', minimum: 1 }, type: { enum: PANEL_TYPES }, title: { type: 'string', minLength: 1 }, gridPos,
    datasource: dataSourceRef, targets: { type: 'array', items: target, minItems: 1 }, description: { type: 'string' },
    fieldConfig: { type: 'object', required: ['defaults', 'overrides'] }, options: { type: 'object' },
  },
  if: { properties: { type: { const: 'row' } } },
  then: { required: ['panels', 'collapsed'] },
  else: { required: ['datasource', 'targets', 'fieldConfig', 'options'] },
};
const variable = {
  type: 'object', required: ['name', 'type'],
  properties: { name: { type: 'string', pattern: '^\\w+$' }, type: { enum: ['datasource', 'query', 'textbox', 'custom', 'constant', 'interval'] }, datasource: dataSourceRef },
  if: { properties: { type: { const: 'datasource' } } },
  then: { properties: { query: { enum: DATASOURCE_TYPES } }, required: ['query'] },
};
const dashboardSchema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'templating', 'time', 'tags', 'editable', 'annotations'],
  properties: {
    uid: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' }, title: { type: 'string', minLength: 1 },
    // 36: data sources referenced by {type, uid} (Grafana 9+); 39 is what Grafana 10.3/11 writes.
    schemaVersion: { type: 'integer', minimum: 36, maximum: 41 },
    panels: { type: 'array', items: panel, minItems: 1 },
    templating: { type: 'object', required: ['list'], properties: { list: { type: 'array', items: variable } } },
    time: { type: 'object', required: ['from', 'to'] }, tags: { type: 'array', contains: { const: 'kalibra' } },
  },
};
const validate = new Ajv({ allErrors: true, strict: false }).compile(dashboardSchema);

const known = new Set([...metricCatalog().flatMap(seriesNames), ...OUTSIDE_CATALOG]);

function variables(dashboard: Dashboard): Map<string, { type: string; query?: unknown }> {
  return new Map(dashboard.templating.list.map((v) => [v.name, v]));
}

describe.each(dashboards())('dashboard $file', ({ dashboard }) => {
  it('has the structure of Grafana\'s dashboard JSON model', () => {
    validate(dashboard);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('has unique panel ids and panels that stay inside the 24-column grid without overlapping', () => {
    const panels = allPanels(dashboard);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });

  it('references every data source through a data source variable of the same plugin type, in panels, targets and variables', () => {
    const vars = variables(dashboard);
    const refs = [
      ...allPanels(dashboard).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
      ...dashboard.templating.list.map((v) => v.datasource),
    ].filter((ref) => ref !== undefined);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const variable = vars.get(/^\$\{(\w+)\}$/.exec(ref.uid)![1]!);
      expect(variable, ref.uid).toMatchObject({ type: 'datasource', query: ref.type });
    }
    for (const p of allPanels(dashboard)) for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual(p.datasource);
  });

  it('has unique refIds per panel, and PromQL only on Prometheus, SQL only on Postgres', () => {
    for (const p of allPanels(dashboard).filter((p) => p.type !== 'row')) {
      const targets = p.targets ?? [];
      expect(new Set(targets.map((t) => t.refId)).size, p.title).toBe(targets.length);
      for (const t of targets) expect(t.datasource?.type, p.title).toBe(t.expr !== undefined ? 'prometheus' : 'grafana-postgresql-datasource');
    }
  });

  it('uses only variables it defines (or Grafana\'s own), and every SQL macro the tests can expand', () => {
    const vars = variables(dashboard);
    const values = Object.fromEntries([...vars.keys()].map((name) => [name, 'x']));
    for (const { text, where } of sqlQueries(dashboard)) {
      expect(() => fillSqlVariables(text, values, { from: new Date(0), to: new Date() }), where).not.toThrow();
    }
    for (const p of allPanels(dashboard)) for (const t of p.targets ?? []) {
      if (t.expr !== undefined) expect(() => fillPromVariables(t.expr!, values), p.title).not.toThrow();
    }
    for (const { metric } of labelValuesVariables(dashboard)) expect(known.has(metric), metric).toBe(true);
  });
});

describe('every PromQL expression of the dashboards and the alert rules', () => {
  it('selects only metrics the code registers (docs/metrics.md), so a renamed metric fails here', () => {
    const unknown = allPromQueries().flatMap(({ where, text }) => metricNames(text).filter((n) => !known.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('covers every metric the code registers, in a dashboard panel or an alert', () => {
    const used = new Set(allPromQueries().flatMap(({ text }) => metricNames(text)));
    const unused = metricCatalog().filter((m) => !seriesNames(m).some((s) => used.has(s))).map((m) => m.name);
    // Kept for ad-hoc queries; the dashboards show what they measure another way.
    expect(unused).toEqual(['kalibra_sink_ready', 'kalibra_transaction_records_total']);
  });
});

describe('the monitoring component, rendered for production', () => {
  it('ships each dashboard as a ConfigMap labelled for the Grafana sidecar, with the file as it is in the repository', async () => {
    const maps = find(await rendered('k8s/overlays/production'), 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
    const shipped = new Map(maps.flatMap((m) => Object.entries((m as unknown as { data: Record<string, string> }).data)));
    for (const { file } of dashboards()) expect(shipped.get(file), file).toBe(readFileSync(join(dashboardsDir, file), 'utf8'));
    expect(shipped.size).toBe(dashboards().length);
  });

  it('has the alert rules as a PrometheusRule', async () => {
    const [rule, ...more] = find(await rendered('k8s/overlays/production'), 'PrometheusRule', 'kalibra');
    expect(more).toEqual([]);
    expect((rule!.spec as { groups: { rules: { alert: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.alert))).toHaveLength(7);
  });
});
