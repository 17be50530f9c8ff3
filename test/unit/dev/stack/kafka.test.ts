import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderServerProperties } from '../../../../dev/stack/kafka.ts';

describe('the broker configuration of bin/dev-stack', () => {
  it('fills every placeholder of dev/kafka/server.properties', () => {
    const template = readFileSync(join(process.cwd(), 'dev', 'kafka', 'server.properties'), 'utf8');
    const rendered = renderServerProperties(template, { kafkaPort: '19092', controllerPort: '19093', dataDir: '/tmp/d/kafka-data' });
    expect(rendered).not.toMatch(/@[A-Z_]+@/);
    expect(rendered).toContain('127.0.0.1:19092');
    expect(rendered).toContain('127.0.0.1:19093');
    expect(rendered).toContain('/tmp/d/kafka-data');
  });
});
