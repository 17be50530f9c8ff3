// A generated fleet of calibration profiles for tests and benchmarks at scale (issue 14):
// `count` sensors cycling through all five methods, one to three versions each, some with
// input_range and limits. Deterministic: the same count gives the same files. Writes plain
// files or a Kubernetes ConfigMap layout (`..data` -> `..<timestamp>` dir, each profile a
// symlink through `..data`) and swaps the ConfigMap the way the kubelet does.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FLEET_METHODS = ['linear', 'polynomial', 'table', 'steinhart-hart', 'callendar-van-dusen'] as const;

export function fleetSensor(i: number): string {
  return `fleet-${String(i).padStart(5, '0')}`;
}

/** A linear profile whose only version maps raw to gain * raw + offset; what the tests edit. */
export function linearProfileYaml(sensor: string, gain: number, offset: number): string {
  return `sensor: ${sensor}\ninput_unit: celsius\nunit: celsius\nversions:\n  - valid_from: 2025-01-01T00:00:00Z\n    method: linear\n    gain: ${gain}\n    offset: ${offset}\n`;
}

/** The YAML of sensor `i` of the fleet; method FLEET_METHODS[i % 5]. */
export function fleetProfileYaml(i: number): string {
  const sensor = fleetSensor(i);
  const method = FLEET_METHODS[i % FLEET_METHODS.length]!;
  const versions = 1 + (i % 3);
  const small = (i % 97) / 1000;
  const lines = [
    '# yaml-language-server: $schema=./profile.schema.json',
    `sensor: ${sensor}`,
    `description: generated sensor ${i} (${method})`,
  ];
  const thermometry = method === 'steinhart-hart' || method === 'callendar-van-dusen';
  lines.push(`input_unit: ${thermometry ? 'ohm' : 'celsius'}`, 'unit: celsius');
  if (method === 'callendar-van-dusen') lines.push('input_range: {min: 18, max: 391}', 'limits: {min: -200, max: 850}');
  else if (method === 'steinhart-hart') lines.push('input_range: {min: 300, max: 400000}');
  else if (i % 2 === 0) lines.push('limits: {min: -60, max: 160}');
  lines.push('versions:');
  for (let v = 0; v < versions; v += 1) {
    lines.push(`  - valid_from: ${2023 + v}-0${1 + (i % 9)}-01T00:00:00Z`, `    method: ${method}`);
    switch (method) {
      case 'linear':
        lines.push(`    gain: ${1 + small - v / 1000}`, `    offset: ${-0.5 + v * 0.1}`);
        break;
      case 'polynomial':
        lines.push(`    coefficients: [${0.4 + small}, 0.98, 0.0005, ${v}e-7]`);
        break;
      case 'table': {
        const points = Array.from({ length: 8 + (i % 5) }, (_, p) => `[${p * 10}, ${(p * 10 * (1 + small)).toFixed(3)}]`);
        lines.push(`    points: [${points.join(', ')}]`, `    extrapolate: ${i % 2 === 0}`);
        break;
      }
      case 'steinhart-hart':
        lines.push(`    a: ${(1.129241 + small).toFixed(6)}e-3`, '    b: 2.341077e-4', '    c: 8.775468e-8');
        break;
      case 'callendar-van-dusen':
        lines.push(`    R0: ${100 + small}`, '    A: 3.9083e-3', '    B: -5.775e-7', '    C: -4.183e-12');
        break;
    }
    lines.push(`    certificate: lab-${i}-${v}`);
  }
  return `${lines.join('\n')}\n`;
}

/** name -> YAML for sensors 0..count-1. */
export function fleetFiles(count: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i += 1) files.set(`${fleetSensor(i)}.yaml`, fleetProfileYaml(i));
  return files;
}

/** Writes `files` as plain files into `dir`. */
export function writePlainFleet(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
}

/** A directory laid out as the kubelet mounts a ConfigMap; publish() swaps in a new generation atomically. */
export class ConfigMapMount {
  readonly dir: string;
  private generation = 0;
  private readonly linked = new Set<string>();
  /** performance.now() when the last publish() renamed `..data`: the moment the new generation became visible (writing the files before it is the kubelet's time, not the reader's). */
  swappedAt = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Writes every file into a new `..<timestamp>` dir, renames a new `..data` symlink over the old one, links new names, removes the old generation. */
  publish(files: ReadonlyMap<string, string>): void {
    this.generation += 1;
    const stamped = stampOf(this.generation);
    mkdirSync(join(this.dir, stamped));
    for (const [name, content] of files) writeFileSync(join(this.dir, stamped, name), content);
    symlinkSync(stamped, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    this.swappedAt = performance.now();
    for (const name of files.keys()) {
      if (this.linked.has(name)) continue;
      symlinkSync(join('..data', name), join(this.dir, name));
      this.linked.add(name);
    }
    if (this.generation > 1) rmSync(join(this.dir, stampOf(this.generation - 1)), { recursive: true, force: true });
  }
}

function stampOf(generation: number): string {
  return `..2026_11_30_06_00_00.${String(generation).padStart(9, '0')}`;
}
