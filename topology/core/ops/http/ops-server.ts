// The HTTP endpoints Kubernetes and Prometheus talk to: /healthz (the event loop answers),
// /readyz (Readiness), /metrics (the process's registry). It serves nothing else and never
// exposes configuration; close() stops listening and ends keep-alive connections.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpsError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { MetricsRegistry } from '../metrics/metrics-registry.ts';
import type { Readiness } from './readiness.ts';

export interface OpsServerOptions {
  /** KALIBRA_HTTP_PORT; 0 picks a free port (see OpsServer.port). */
  port: number;
  /** Interface to bind; default all interfaces (as a pod needs), tests use 127.0.0.1. */
  host?: string;
  readiness: Readiness;
  metrics: MetricsRegistry;
  logger?: Logger;
}

export interface OpsServer {
  /** The port actually bound (differs from the option when it was 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { readiness, metrics, logger } = options;
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new OpsError('CONFIG_INVALID', `ops server port must be an integer 0..65535 (KALIBRA_HTTP_PORT), got ${options.port}`);
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain', 'method not allowed\n', { allow: 'GET, HEAD' });
    } else if (path === '/healthz') {
      send(response, 200, 'text/plain', 'ok\n');
    } else if (path === '/readyz') {
      const report = await readiness.report();
      send(response, report.ready ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
    } else if (path === '/metrics') {
      send(response, 200, metrics.contentType, await metrics.text());
    } else {
      send(response, 404, 'text/plain', 'not found\n');
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger?.error('ops endpoint failed', { path: request.url, error });
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error\n');
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new OpsError('HTTP_LISTEN_FAILED',
        `cannot listen on ${options.host ?? '*'}:${options.port} (KALIBRA_HTTP_PORT): ${error.code ?? error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger?.error('ops server error', { error }));
  const port = (server.address() as AddressInfo).port;
  logger?.info('ops server listening', { port, endpoints: ['/healthz', '/readyz', '/metrics'] });

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
