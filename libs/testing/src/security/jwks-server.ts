import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

const PATH = '/.well-known/jwks.json';

/** Stands in for the auth service's key set endpoint, on 127.0.0.1; a test decides what it publishes. */
export class JwksServer {
  /** How often the key set was fetched: shows whether a verifier used its cache. */
  fetches = 0;
  /** When set, answers 503, as an auth service that is down would. */
  unavailable = false;
  private keys: JWK[] = [];
  private readonly server = createServer((request, response) => this.answer(request, response));

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer();
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${PATH}`;
  }

  publish(...keys: JWK[]): void {
    this.keys.push(...keys);
  }

  reset(): void {
    this.keys = [];
    this.fetches = 0;
    this.unavailable = false;
  }

  close(): Promise<void> {
    // fetch keeps connections alive; close() alone would wait for them to time out.
    this.server.closeAllConnections();
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' || request.url !== PATH) {
      response.writeHead(404).end();
      return;
    }
    this.fetches++;
    if (this.unavailable) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  }
}
