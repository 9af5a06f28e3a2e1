/**
 * A load balancer for the cluster tests: a TCP listener that hands each new connection to the next
 * of several nodes in turn (TCP or WebSocket alike: it relays bytes). A client's reconnect then
 * lands on another node than its first connection, which is what resume across nodes must survive.
 */
import * as net from 'node:net';

export class RoundRobinProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private next = 0;
  private refusing = false;
  port = 0;

  constructor(private readonly targetPorts: readonly number[], private readonly host = '127.0.0.1') {
    this.server = net.createServer((client) => this.accept(client));
  }

  /** Listens on `port` (0: a free one); answers the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every relayed connection (the servers live on); with `refuseMs`, also turns new ones away for that long. */
  cut(refuseMs = 0): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    if (refuseMs > 0) {
      this.refusing = true;
      setTimeout(() => {
        this.refusing = false;
      }, refuseMs).unref();
    }
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const target = this.targetPorts[this.next];
    this.next = (this.next + 1) % this.targetPorts.length;
    client.setNoDelay(true);
    const upstream = net.connect(target, this.host);
    upstream.setNoDelay(true);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
