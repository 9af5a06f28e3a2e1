/** Starts a server on ephemeral ports for one test and tears it and its clients down afterwards. */
import { ServerConfigInput } from '../../lib/server/config';
import { createLogger, LogLevel } from '../../lib/server/logger';
import { ListeningAddress, SignalServer } from '../../lib/server/signal-server';
import { RawClient } from './raw-client';

export class ServerFixture {
  server!: SignalServer;
  address!: ListeningAddress;
  readonly logLines: string[] = [];
  private readonly clients: RawClient[] = [];

  async start(config: ServerConfigInput = {}): Promise<void> {
    const level: LogLevel = (process.env.SERVER_TEST_LOG_LEVEL as LogLevel | undefined) ?? 'info';
    const logger = createLogger(level, (line) => {
      this.logLines.push(line);
      if (process.env.SERVER_TEST_LOG_LEVEL) process.stderr.write(line + '\n');
    });
    this.server = new SignalServer({ tcpPort: 0, wsPort: 0, logLevel: 'silent', ...config }, { logger });
    this.address = await this.server.listen();
  }

  async tcp(): Promise<RawClient> {
    const client = await RawClient.tcp(this.address.tcpPort);
    this.clients.push(client);
    return client;
  }

  async ws(): Promise<RawClient> {
    const client = await RawClient.ws(this.address.wsPort);
    this.clients.push(client);
    return client;
  }

  /** A TCP client that has said HELLO and logged in. */
  async loggedIn(appId: string, account: string): Promise<{ client: RawClient; uid: number; sessionId: string }> {
    const client = await this.tcp();
    const ok = await client.login(appId, account);
    return { client, uid: ok.uid, sessionId: Buffer.from(ok.sessionId).toString('latin1') };
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.clients.length = 0;
    if (this.server) await this.server.close();
  }
}
