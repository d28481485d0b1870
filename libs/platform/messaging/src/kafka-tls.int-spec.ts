import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { commonEnv, kafkaSecurityFrom, loadConfig } from '@shopflow/platform/config';
import {
  captureLogger,
  DedicatedKafka,
  dedicatedKafkaPort,
  eventually,
  TestCertificates,
} from '@shopflow/testing';
import { KafkajsBroker } from './kafkajs.broker';
import type { ReceivedMessage, RunningConsumer } from './message-broker.port';

const SECURE_PORT_OFFSET = 50; // within the slot's 100 ports; the controller takes port + 10000
const USER = 'shopflow-order';
const PASSWORD = randomUUID();
// PLAIN over TLS: how the production overlay's in-cluster brokers authenticate the services.
const PLAIN_USER = 'catalog';
const PLAIN_PASSWORD = randomUUID();

/**
 * Encryption in transit to Kafka, proved on a real broker (ADR 0010): a broker of its own with a
 * SASL_SSL listener (SCRAM-SHA-512), certificates made by openssl for this run only. The broker
 * keeps a PLAINTEXT listener on its main port for its own traffic and kafka.mjs's readiness probe;
 * every client below dials the secured port only.
 */
describe('Kafka over TLS with SCRAM-SHA-512 or PLAIN (real Kafka)', () => {
  jest.setTimeout(120_000);
  let certs: TestCertificates;
  let kafka: DedicatedKafka;
  let securePort: number;
  const brokers: KafkajsBroker[] = [];
  let consumer: RunningConsumer | undefined;

  beforeAll(async () => {
    certs = await TestCertificates.generate();
    const port = dedicatedKafkaPort(5);
    securePort = port + SECURE_PORT_OFFSET;
    kafka = await DedicatedKafka.start(port, 1, {
      listeners: [`SECURE:SASL_SSL:${SECURE_PORT_OFFSET}`],
      properties: {
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': certs.serverKeystore,
        'ssl.keystore.password': certs.keystorePassword,
        'ssl.key.password': certs.keystorePassword,
        'listener.name.secure.sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
        'listener.name.secure.scram-sha-512.sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.secure.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${PLAIN_USER}="${PLAIN_PASSWORD}";`,
      },
      scram: [`SCRAM-SHA-512=[name=${USER},password=${PASSWORD}]`],
    });
  });
  afterAll(async () => {
    await consumer?.stop();
    await Promise.all(brokers.map((b) => b.close().catch(() => undefined)));
    await kafka?.destroy();
    certs?.remove();
  });

  /** The adapter as a service builds it: environment → typed config → security options. */
  function brokerFromEnv(env: Record<string, string>): KafkajsBroker {
    const config = loadConfig(z.object(commonEnv), {
      DATABASE_URL: 'mysql://unused:unused@127.0.0.1:3306/unused',
      KAFKA_BROKERS: `127.0.0.1:${securePort}`,
      ...env,
    });
    const broker = new KafkajsBroker({
      brokers: config.KAFKA_BROKERS,
      clientId: `tls-test-${randomUUID().slice(0, 8)}`,
      // Refused connections are logged by kafkajs; expected here, so kept out of the output.
      logger: captureLogger('kafka-tls', 'fatal').logger,
      security: kafkaSecurityFrom(config),
    });
    brokers.push(broker);
    return broker;
  }

  const secured = {
    KAFKA_SSL: 'true',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: USER,
    KAFKA_SASL_PASSWORD: PASSWORD,
  };

  /** A connection attempt's outcome, bounded: a client that hangs instead of failing fails the test. */
  const within = <T>(promise: Promise<T>, ms = 20_000): Promise<T> =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
      ),
    ]);

  it('publishes and consumes through the broker adapter over TLS + SCRAM-SHA-512', async () => {
    const broker = brokerFromEnv({ ...secured, KAFKA_SSL_CA_FILE: certs.caCert });
    const topic = `test.tls-${randomUUID()}`;
    await broker.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const received: ReceivedMessage[] = [];
    consumer = broker.startConsumer({
      groupId: `tls-${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      handle: async (message) => {
        received.push(message);
      },
    });
    await broker.producer.send(topic, [{ key: 'order-1', value: '{"encrypted":true}' }]);
    await eventually(() => expect(received.map((m) => m.value?.toString())).toEqual(['{"encrypted":true}']), {
      timeoutMs: 30_000,
    });
  });

  it('accepts SASL PLAIN over TLS, as the production overlay configures it', async () => {
    const broker = brokerFromEnv({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certs.caCert,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: PLAIN_USER,
      KAFKA_SASL_PASSWORD: PLAIN_PASSWORD,
    });
    await expect(within(broker.ping())).resolves.toBeUndefined();
  });

  it('refuses a plaintext client on the secured listener', async () => {
    const broker = brokerFromEnv({});
    await expect(within(broker.ping())).rejects.toThrow(/^Closed connection$/);
  });

  it('refuses a wrong password with an authentication error', async () => {
    const broker = brokerFromEnv({
      ...secured,
      KAFKA_SSL_CA_FILE: certs.caCert,
      KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    await expect(within(broker.ping())).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed: .*invalid credentials/,
    );
  });

  it('refuses a broker whose certificate does not chain to the configured CA', async () => {
    const broker = brokerFromEnv({ ...secured, KAFKA_SSL_CA_FILE: certs.otherCaCert });
    await expect(within(broker.ping())).rejects.toThrow(/self[- ]signed certificate|unable to verify/);
  });
});
