/**
 * The admin HTTP listener (off unless `adminPort` is set): `/metrics`, `/healthz`, `/readyz` and
 * the admin API under `/v1/` (docs/operations.md, docs/admin-api.yaml). It has its own port,
 * loopback by default, speaks TLS when the client listeners do, and wants the bearer key
 * `adminKey` on everything but the two health probes.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { ConfigError } from '../config';
import { logEvent } from '../logger';
import type { SignalServer } from '../signal-server';
import { loadTlsCredentials } from '../tls-credentials';
import { CLOSE_GRACE_MS } from '../transport';
import { AdminApi, AdminApiOptions, AdminError } from './admin-api';
import { AdminAuth } from './admin-auth';
import { Readiness } from './readiness';
import { ServerMetrics, ServerMetricsOptions } from './server-metrics';

/** Request bodies larger than this are refused (413): a message is at most 8 KiB. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;
/** A request must arrive whole within this (a trickled body is dropped). */
const REQUEST_TIMEOUT_MS = 10000;

export interface AdminServerOptions extends AdminApiOptions {
  /** Options of the metrics (node label, sessions per App ID: default from the config). */
  metrics?: ServerMetricsOptions;
}

export interface AdminAddress {
  host: string;
  port: number;
  tls: boolean;
}

export class AdminServer {
  readonly metrics: ServerMetrics;
  /** /readyz's checks: `admin.readiness.register('redis', () => ...)` adds one. */
  readonly readiness = new Readiness();
  private readonly api: AdminApi;
  private readonly auth: AdminAuth;
  private readonly http: http.Server;
  private readonly tls: boolean;
  private readonly requests: Counter;

  /** Throws ConfigError without `adminKey` (an admin API without a key is not offered). */
  constructor(private readonly server: SignalServer, options: AdminServerOptions = {}) {
    const key = server.config.adminKey;
    if (key === undefined) throw new ConfigError('the admin listener needs a bearer key: set adminKey (--admin-key, AGORA_SIG_ADMIN_KEY)');
    this.auth = new AdminAuth(key);
    this.metrics = new ServerMetrics(server, { perAppId: server.config.metricsPerAppId, ...options.metrics });
    this.api = new AdminApi(server, options);
    this.requests = new Counter({
      name: `${this.metrics.prefix}admin_requests_total`,
      help: 'Requests to the admin listener by method and answer status (401: a wrong or missing key)',
      labelNames: ['method', 'status'],
      registers: [this.metrics.registry],
    });
    this.readiness.register('listening', () => server.isListening || (server.isStopping ? 'shutting down' : 'not listening yet'));
    const credentials = loadTlsCredentials(server.config);
    this.tls = credentials !== null;
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.route(req, res).catch((e: unknown) => {
        server.logger.error(`admin ${req.socket.remoteAddress}: ${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
        if (!res.headersSent) this.json(res, 500, { error: { status: 500, reason: 'internal error' } });
        else res.destroy();
      });
    };
    this.http = credentials === null ? http.createServer(onRequest) : https.createServer({ ...credentials }, onRequest);
    this.http.requestTimeout = REQUEST_TIMEOUT_MS;
    this.http.headersTimeout = REQUEST_TIMEOUT_MS;
    this.http.on('clientError', (_e, socket) => socket.destroy());
  }

  /** Listens on `adminHost:adminPort` (0 = any free port). */
  async listen(): Promise<AdminAddress> {
    const host = this.server.config.adminHost;
    const port = this.server.config.adminPort ?? 0;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        // Later errors of the listening socket (out of file descriptors) must not end the process.
        this.http.on('error', (e) => this.server.logger.error(`admin listener: ${e.message}`));
        resolve();
      });
    });
    const address = { host, port: (this.http.address() as AddressInfo).port, tls: this.tls };
    logEvent(this.server.logger, 'info', 'admin_listening', { address: `${host}:${address.port}` }, `admin listener on ${this.tls ? 'https' : 'http'}://${host}:${address.port}`);
    return address;
  }

  /** Stops listening; a request still running after CLOSE_GRACE_MS is cut. */
  async close(): Promise<void> {
    if (!this.http.listening) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.http.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      this.http.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.http.closeIdleConnections();
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    res.once('finish', () => this.finished(req, method, path, res.statusCode));
    // Probes come from load balancers and orchestrators, which send no credentials; they say
    // nothing but up or down (and the names of the readiness checks).
    if (path === '/healthz') {
      this.text(res, 200, 'ok\n');
      req.resume();
      return;
    }
    if (path === '/readyz') {
      req.resume();
      const report = await this.readiness.evaluate();
      this.json(res, report.ready ? 200 : 503, report as unknown as Record<string, unknown>);
      return;
    }
    if (!this.auth.accepts(req.headers.authorization)) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer realm="agora-sig admin"');
      this.json(res, 401, { error: { status: 401, reason: 'missing or wrong bearer key' } });
      return;
    }
    if (path === '/metrics') {
      req.resume();
      if (method !== 'GET') return this.json(res, 405, { error: { status: 405, reason: 'GET only' } });
      const body = await this.metrics.text();
      res.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (!path.startsWith('/v1/')) {
      req.resume();
      return this.json(res, 404, { error: { status: 404, reason: 'no such route' } });
    }
    let segments: string[];
    try {
      segments = path.slice(4).split('/').map((s) => decodeURIComponent(s));
    } catch {
      req.resume();
      return this.json(res, 400, { error: { status: 400, reason: 'the path is not valid percent-encoding' } });
    }
    if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
    const body = await this.readBody(req, res);
    if (body === FAILED) return;
    try {
      const answer = await this.api.handle({ method, segments, query: url.searchParams, body, address: `admin ${req.socket.remoteAddress}` });
      this.json(res, answer.status, answer.body);
    } catch (e) {
      if (!(e instanceof AdminError)) throw e;
      const error: Record<string, unknown> = { status: e.status, reason: e.message };
      if (e.code !== undefined) error.code = e.code;
      this.json(res, e.status, { error });
    }
  }

  /**
   * Counts every answer; logs those of the API and refused keys (the audit trail of what the back
   * end did), not the probes and scrapes that come every few seconds. Bodies are not logged.
   */
  private finished(req: http.IncomingMessage, method: string, path: string, status: number): void {
    const known = method === 'GET' || method === 'POST' || method === 'PUT' || method === 'DELETE' ? method : 'other';
    this.requests.inc({ method: known, status: String(status) });
    if (!path.startsWith('/v1/') && status !== 401) return;
    const address = `admin ${req.socket.remoteAddress}:${req.socket.remotePort}`;
    logEvent(this.server.logger, status === 401 ? 'warn' : 'info', 'admin_request', { address, method: known, path, status }, `${address}: ${known} ${path} ${status}`);
  }

  /** The JSON body (undefined when empty), or FAILED once the answer (400, 413, 415) is sent. */
  private readBody(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    return new Promise((resolve) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_ADMIN_BODY_BYTES) {
        this.json(res, 413, { error: { status: 413, reason: `the body is over ${MAX_ADMIN_BODY_BYTES} bytes` } }, true);
        req.resume();
        resolve(FAILED);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > MAX_ADMIN_BODY_BYTES) {
          over = true;
          chunks.length = 0;
          this.json(res, 413, { error: { status: 413, reason: `the body is over ${MAX_ADMIN_BODY_BYTES} bytes` } }, true);
          resolve(FAILED);
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', () => resolve(FAILED));
      req.on('end', () => {
        if (over) return;
        if (size === 0) return resolve(undefined);
        const type = String(req.headers['content-type'] ?? '');
        if (!/^application\/json\b/i.test(type)) {
          this.json(res, 415, { error: { status: 415, reason: 'the body must be application/json' } });
          return resolve(FAILED);
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          this.json(res, 400, { error: { status: 400, reason: `the body is not valid JSON: ${(e as Error).message}` } });
          resolve(FAILED);
        }
      });
    });
  }

  private json(res: http.ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
    const text = JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' };
    // The rest of an oversized body is not read: the connection cannot carry another request.
    if (close) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(text);
  }

  private text(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
  }
}

const FAILED = Symbol('failed');
