import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaSecurity } from '@shopflow/platform/config';

/**
 * The one place kafkajs's `ssl` and `sasl` options are built (ADR 0010), for every Kafka client the
 * services make: the broker adapter, the consumers it starts and the create-topics command.
 */
export function kafkajsSecurityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { ssl, sasl } = security;
  return {
    // rejectUnauthorized stays at Node's default (true): a broker whose certificate does not chain
    // to the CA, or whose name does not match, is refused.
    ssl: ssl ? { ca: ssl.ca ? [ssl.ca] : undefined, cert: ssl.cert, key: ssl.key } : undefined,
    sasl: sasl ? saslOptions(sasl) : undefined,
  };
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaSecurity['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'scram-sha-512':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'plain':
      return { mechanism, username, password };
    default: {
      const unknown: never = mechanism;
      throw new Error(`unsupported SASL mechanism ${String(unknown)}`);
    }
  }
}
