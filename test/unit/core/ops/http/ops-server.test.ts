import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness } from '../../../../../topology/core/ops/http/readiness.ts';
import { startOpsServer } from '../../../../../topology/core/ops/http/ops-server.ts';
import type { OpsServer } from '../../../../../topology/core/ops/http/ops-server.ts';
import { MetricsRegistry } from '../../../../../topology/core/ops/metrics/metrics-registry.ts';
import { OpsError } from '../../../../../topology/core/ops/errors.ts';

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(readiness = new Readiness(), metrics = new MetricsRegistry({ defaultMetrics: false })) {
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', readiness, metrics });
  servers.push(server);
  return server;
}

interface Reply { status: number; type: string | undefined; body: string }

function get(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startOpsServer', () => {
  it('binds an ephemeral port when asked for port 0 and reports it', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect((await get(server.port, '/healthz')).status).toBe(200);
  });

  it('answers /healthz with 200 while the process is alive', async () => {
    const server = await start();
    expect(await get(server.port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('answers /readyz with 503 naming the conditions that do not hold, then 200 once they do', async () => {
    const readiness = new Readiness();
    readiness.set('consumer-assigned', false);
    let dbUp = false;
    readiness.addCheck('database', () => dbUp || { reason: 'cannot reach Postgres at db:5432' });
    const server = await start(readiness);
    const notReady = await get(server.port, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({
      ready: false, failing: ['consumer-assigned', 'database'], reasons: { database: 'cannot reach Postgres at db:5432' },
    });
    readiness.set('consumer-assigned', true);
    dbUp = true;
    expect(await get(server.port, '/readyz')).toMatchObject({ status: 200, body: '{"ready":true,"failing":[],"reasons":{}}\n' });
  });

  it('counts a readiness check that throws as not ready', async () => {
    const readiness = new Readiness();
    readiness.addCheck('database', () => Promise.reject(new Error('ECONNREFUSED')));
    readiness.set('profiles-loaded', false, 'loading profiles');
    const server = await start(readiness);
    const answer = await get(server.port, '/readyz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ reasons: { database: 'ECONNREFUSED', 'profiles-loaded': 'loading profiles' } });
  });

  it('stops being ready once shutdown begins', async () => {
    const readiness = new Readiness();
    const server = await start(readiness);
    readiness.markShuttingDown();
    expect(JSON.parse((await get(server.port, '/readyz')).body)).toEqual({ ready: false, failing: ['shutting-down'], reasons: {} });
  });

  it('serves the registry on /metrics in the Prometheus text format', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    metrics.counter({ name: 'records_in_total', help: 'in', labelNames: ['topic'] }).inc({ topic: 'readings.raw' }, 7);
    const server = await start(new Readiness(), metrics);
    const reply = await get(server.port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.body).toContain('# TYPE kalibra_records_in_total counter\nkalibra_records_in_total{topic="readings.raw"} 7');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start();
    expect((await get(server.port, '/config')).status).toBe(404);
    expect((await get(server.port, '/healthz', 'POST')).status).toBe(405);
  });

  it('fails with HTTP_LISTEN_FAILED naming the port when it is taken', async () => {
    const first = await start();
    const error = await startOpsServer({ port: first.port, host: '127.0.0.1', readiness: new Readiness(), metrics: new MetricsRegistry({ defaultMetrics: false }) })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpsError);
    expect(error).toMatchObject({ code: 'HTTP_LISTEN_FAILED' });
    expect((error as Error).message).toContain(`:${first.port} (KALIBRA_HTTP_PORT): EADDRINUSE`);
  });

  it('rejects a port outside 0..65535 with an error naming KALIBRA_HTTP_PORT', async () => {
    await expect(startOpsServer({ port: 70000, readiness: new Readiness(), metrics: new MetricsRegistry({ defaultMetrics: false }) }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'ops server port must be an integer 0..65535 (KALIBRA_HTTP_PORT), got 70000' });
  });

  it('closes cleanly, also with an idle keep-alive connection open, and refuses connections afterwards', async () => {
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', readiness: new Readiness(), metrics: new MetricsRegistry({ defaultMetrics: false }) });
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/healthz', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject).end();
    });
    await server.close();
    await server.close();
    agent.destroy();
    await expect(get(server.port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
