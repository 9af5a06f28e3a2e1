/** A server with its admin listener on ephemeral ports, and a small HTTP client for its API. */
import { ServerConfigInput } from '../../lib/server/config';
import { AdminAddress, AdminServer, AdminServerOptions } from '../../lib/server/ops/admin-server';
import { ServerFixture } from '../02-server/server-fixture';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export class AdminFixture extends ServerFixture {
  admin!: AdminServer;
  adminAddress!: AdminAddress;

  async startWithAdmin(config: ServerConfigInput = {}, options: AdminServerOptions = {}): Promise<void> {
    await this.start({ adminPort: 0, adminKey: ADMIN_KEY, ...config });
    this.admin = new AdminServer(this.server, options);
    this.adminAddress = await this.admin.listen();
  }

  /** One request to the admin listener; `key` null sends no Authorization header. */
  async http(method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const all: Record<string, string> = { ...headers };
    if (key !== null) all.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      all['content-type'] ??= 'application/json';
    }
    const res = await fetch(`http://127.0.0.1:${this.adminAddress.port}${path}`, { method, headers: all, body: payload });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async stop(): Promise<void> {
    if (this.admin) await this.admin.close();
    await super.stop();
  }
}

/** The value of one sample of the Prometheus text, e.g. sample(text, 'agora_sig_logins_total{code="0"}'). */
export function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return NaN;
}
