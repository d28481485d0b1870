import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const openssl = (args: string[], cwd: string) => promisify(execFile)('openssl', args, { cwd });

/**
 * A throw-away certificate authority and one server certificate it signed, for 127.0.0.1 and
 * localhost, generated with openssl into a temporary directory at test time: nothing is committed,
 * and nothing outlives `remove()`. Also a second, unrelated CA, to prove that a client refuses a
 * server it was not told to trust.
 */
export class TestCertificates {
  private constructor(readonly dir: string) {}

  /** PEM files. */
  get caCert(): string {
    return join(this.dir, 'ca.crt');
  }
  get serverCert(): string {
    return join(this.dir, 'server.crt');
  }
  get serverKey(): string {
    return join(this.dir, 'server.key');
  }
  get otherCaCert(): string {
    return join(this.dir, 'other-ca.crt');
  }
  /** server.crt and server.key in a PKCS#12 keystore (Kafka's keystore), password `keystorePassword`. */
  get serverKeystore(): string {
    return join(this.dir, 'server.p12');
  }
  readonly keystorePassword = 'test-keystore-password';

  static async generate(names = ['IP:127.0.0.1', 'DNS:localhost']): Promise<TestCertificates> {
    const certs = new TestCertificates(mkdtempSync(join(tmpdir(), 'shopflow-tls-')));
    const run = (args: string[]) => openssl(args, certs.dir);
    const selfSignedCa = (name: string) =>
      run([
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`],
      ]);
    await Promise.all([selfSignedCa('ca'), selfSignedCa('other-ca')]);
    await certs.issue('server', names);
    await run([
      ...['pkcs12', '-export', '-in', 'server.crt', '-inkey', 'server.key', '-name', 'server'],
      ...['-out', 'server.p12', '-passout', `pass:${certs.keystorePassword}`],
    ]);
    return certs;
  }

  /**
   * Another server certificate from the same CA, as `<name>.crt` and `<name>.key`: to prove that a
   * client checks the name, not only the signature. Its common name matches no host, so a client
   * cannot fall back to it.
   */
  async issue(name: string, names: string[]): Promise<{ cert: string; key: string }> {
    const run = (args: string[]) => openssl(args, this.dir);
    await run([
      ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=shopflow test server'],
      ...['-keyout', `${name}.key`, '-out', `${name}.csr`],
    ]);
    await run([
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'],
      ...['-days', '1', '-out', `${name}.crt`, '-extfile', writeExtensions(this.dir, names)],
    ]);
    return { cert: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`) };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The server certificate's names: clients check the host they dialled against these. */
function writeExtensions(dir: string, names: string[]): string {
  const path = join(dir, 'server.ext');
  writeFileSync(path, `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  return path;
}
