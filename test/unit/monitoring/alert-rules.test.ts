// The alert rules with the real promtool (Debian's `prometheus` package): they load, and each
// fires on one input and stays silent on another (alert-rules.promtool.yaml). Every alert has
// its runbook in docs/runbooks/, and every runbook an alert.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertRules, runbooksDir, scratchDir, writeRuleFile } from '../../helpers/monitoring.ts';
import { repoRoot } from '../../helpers/sink-fixtures.ts';

const run = promisify(execFile);
const promtoolTests = join(import.meta.dirname, 'alert-rules.promtool.yaml');
const scratch = scratchDir('kalibra-rules');
afterAll(() => { scratch.remove(); });

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: scratch.dir, timeout: 60_000 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed (install Debian's prometheus package for promtool): ${message}\n${stdout}${stderr}`, { cause: error });
  }
}

interface PromtoolCase { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }

describe('the alert rules (k8s/components/monitoring/prometheus-rule.yaml)', () => {
  it('pass promtool check rules', async () => {
    const rules = writeRuleFile(scratch.dir);
    expect(await promtool('check', 'rules', rules)).toContain(`SUCCESS: ${alertRules().length} rules found`);
  });

  it('pass promtool test rules', async () => {
    writeRuleFile(scratch.dir);
    copyFileSync(promtoolTests, join(scratch.dir, 'tests.yaml'));
    expect(await promtool('test', 'rules', 'tests.yaml')).toContain('SUCCESS');
  });

  it('each have a firing and a non-firing promtool case', () => {
    const cases = (parse(readFileSync(promtoolTests, 'utf8')) as { tests: PromtoolCase[] }).tests
      .flatMap((c) => c.alert_rule_test ?? []);
    for (const { alert } of alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} fires somewhere`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} stays silent somewhere`).toBe(true);
    }
  });

  it('each name a severity, a summary, a description and their runbook, which exists', () => {
    for (const rule of alertRules()) {
      expect(rule.alert).toMatch(/^Kalibra[A-Z]\w+$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary, rule.alert).toBe('string');
      expect(typeof rule.annotations?.description, rule.alert).toBe('string');
      expect(rule.annotations?.runbook_url).toBe(`docs/runbooks/${rule.alert}.md`);
      expect(existsSync(join(repoRoot, rule.annotations!.runbook_url!)), rule.alert).toBe(true);
    }
  });

  it('and the runbooks belong to alerts that exist, each listed in docs/runbooks/README.md', () => {
    const alerts = alertRules().map((r) => r.alert).sort();
    const pages = readdirSync(runbooksDir).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort();
    expect(pages).toEqual(alerts);
    const index = readFileSync(join(runbooksDir, 'README.md'), 'utf8');
    for (const alert of alerts) expect(index).toContain(`[${alert}](${alert}.md)`);
  });
});
