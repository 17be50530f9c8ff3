import { describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, renderConfigReference, spliceReference } from '../../../dev/config-reference-table.ts';
import { defineOptions } from '../../../topology/core/ops/config/option.ts';
import { databaseOptions } from '../../../topology/core/ops/config/database-options.ts';
import { processOptions } from '../../../topology/core/ops/config/process-options.ts';
import { kafkaOptions } from '../../../topology/core/ops/kafka/kafka-options.ts';

const replayOptions = defineOptions({
  from: { type: 'string', required: true, group: 'bin/replay', description: 'Recalibrate from | this time.' },
  dryRun: { type: 'bool', group: 'bin/replay', description: 'Only show.' },
});

describe('renderConfigReference', () => {
  const markdown = renderConfigReference([kafkaOptions, databaseOptions, processOptions, replayOptions, kafkaOptions]);

  it('renders one table per group with a heading', () => {
    expect(markdown.match(/^### .*/gm)).toEqual(['### Kafka', '### Postgres', '### Process', '### bin/replay']);
    expect(markdown).toContain('| Environment | Flag | Type | Default | Description |\n|---|---|---|---|---|');
  });

  it('lists an option shared by several declaration groups once', () => {
    expect(markdown.match(/`KAFKA_BROKERS`/g)).toHaveLength(1);
  });

  it('shows env names, flags, defaults and secrets handling', () => {
    expect(markdown).toContain('| `KAFKA_BROKERS` | `--kafka-brokers <list>` | list | `127.0.0.1:9092` |');
    expect(markdown).toContain('| `DATABASE_URL`, `DATABASE_URL_FILE` | `--database-url-file <path>` | secret | `postgres://postgres@127.0.0.1:5432/kalibra` |');
    expect(markdown).toContain('| `KALIBRA_INSTANCE_ID` | `--kalibra-instance-id <id>` | string | the hostname |');
  });

  it('shows flag-only options with their flag and escapes pipes', () => {
    expect(markdown).toContain('|  | `--from <string>` | string | *required* | Recalibrate from \\| this time. |');
    expect(markdown).toContain('|  | `--dry-run`, `--no-dry-run` | bool | `false` | Only show. |');
  });

  it('honours the heading level', () => {
    expect(renderConfigReference([processOptions], { headingLevel: 2 })).toMatch(/^## Process$/m);
  });
});

describe('spliceReference', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# Kalibra\n\n${REFERENCE_START}\nstale\n${REFERENCE_END}\n\n## More\n`;
    expect(spliceReference(readme, '### Process\n')).toBe(`# Kalibra\n\n${REFERENCE_START}\n\n### Process\n\n${REFERENCE_END}\n\n## More\n`);
  });

  it('is stable: splicing the same reference twice changes nothing', () => {
    const once = spliceReference(`${REFERENCE_START}\n${REFERENCE_END}\n`, 'table')!;
    expect(spliceReference(once, 'table')).toBe(once);
  });

  it('returns undefined when the markers are missing', () => {
    expect(spliceReference('# Kalibra\n', 'table')).toBeUndefined();
  });
});
