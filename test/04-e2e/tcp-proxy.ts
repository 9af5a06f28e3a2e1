// A TCP relay between SDK instances and the server that a test can cut, to lose connections
// while the server (and so the session) lives on: the round-robin relay with one target.
import { RoundRobinProxy } from '../support/round-robin-proxy';

export class TcpProxy extends RoundRobinProxy {
  constructor(targetPort: number) {
    super([targetPort]);
  }
}
