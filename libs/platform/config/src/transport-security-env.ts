import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config-error';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');
const file = z.string().min(1);

/**
 * Encryption in transit to Kafka and MySQL (ADR 0010). Every variable is optional: unset, the
 * connections stay plaintext, as on a laptop or in the local overlay. Combinations that need each
 * other are checked by `kafkaSecurityFrom` and `databaseTlsFrom`, which also read the files.
 */
export const transportSecurityEnv = {
  /** TLS to the brokers; with no CA file the system's trusted CAs verify the brokers' certificates. */
  KAFKA_SSL: flag,
  KAFKA_SSL_CA_FILE: file.optional(),
  /** A client certificate and its key (PEM), for brokers that authenticate clients by mTLS. */
  KAFKA_SSL_CERT_FILE: file.optional(),
  KAFKA_SSL_KEY_FILE: file.optional(),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** Either the password itself or a file holding it (a mounted Secret); not both. */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: file.optional(),
  /** TLS to MySQL, server certificate verified (against DATABASE_SSL_CA_FILE, else the system CAs). */
  DATABASE_SSL: flag,
  DATABASE_SSL_CA_FILE: file.optional(),
};

type TransportSecurityConfig = z.output<z.ZodObject<typeof transportSecurityEnv>>;

/** What a Kafka client needs to connect securely; file contents already read. */
export interface KafkaSecurity {
  ssl?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
}

/** What a MySQL client needs to connect with TLS; undefined means plaintext. */
export interface DatabaseTls {
  ca?: string;
}

/**
 * Checks the Kafka settings together and reads their files. Throws one ConfigError naming every
 * problem, so a service stops at start-up with one line instead of failing its first connection.
 */
export function kafkaSecurityFrom(config: TransportSecurityConfig): KafkaSecurity {
  const problems: string[] = [];
  const read = readerCollecting(problems);
  const sslFiles = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
  if (!config.KAFKA_SSL)
    for (const name of sslFiles.filter((n) => config[n]))
      problems.push(`${name} is set but KAFKA_SSL is not true`);
  if (Boolean(config.KAFKA_SSL_CERT_FILE) !== Boolean(config.KAFKA_SSL_KEY_FILE))
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be set together');
  const ssl = config.KAFKA_SSL
    ? {
        ca: read('KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE),
        cert: read('KAFKA_SSL_CERT_FILE', config.KAFKA_SSL_CERT_FILE),
        key: read('KAFKA_SSL_KEY_FILE', config.KAFKA_SSL_KEY_FILE),
      }
    : undefined;

  const mechanism = config.KAFKA_SASL_MECHANISM;
  const credentials = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const;
  let sasl: KafkaSecurity['sasl'];
  if (!mechanism) {
    for (const name of credentials.filter((n) => config[n]))
      problems.push(`${name} is set but KAFKA_SASL_MECHANISM is not`);
  } else {
    if (!config.KAFKA_SASL_USERNAME)
      problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM`);
    if (config.KAFKA_SASL_PASSWORD && config.KAFKA_SASL_PASSWORD_FILE)
      problems.push('set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both');
    const password =
      config.KAFKA_SASL_PASSWORD ?? read('KAFKA_SASL_PASSWORD_FILE', config.KAFKA_SASL_PASSWORD_FILE)?.trim();
    if (!config.KAFKA_SASL_PASSWORD && !config.KAFKA_SASL_PASSWORD_FILE)
      problems.push('KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM');
    // SASL without TLS would send a PLAIN password in clear; SCRAM only hides the password, not the data.
    if (!config.KAFKA_SSL) problems.push('KAFKA_SASL_MECHANISM needs KAFKA_SSL=true');
    sasl = { mechanism, username: config.KAFKA_SASL_USERNAME ?? '', password: password ?? '' };
  }
  if (problems.length) throw new ConfigError(problems);
  return { ssl, sasl };
}

/** Checks and reads the MySQL TLS settings; undefined when the connection is plaintext. */
export function databaseTlsFrom(config: TransportSecurityConfig): DatabaseTls | undefined {
  const problems: string[] = [];
  if (config.DATABASE_SSL_CA_FILE && !config.DATABASE_SSL)
    problems.push('DATABASE_SSL_CA_FILE is set but DATABASE_SSL is not true');
  const ca = readerCollecting(problems)('DATABASE_SSL_CA_FILE', config.DATABASE_SSL_CA_FILE);
  if (problems.length) throw new ConfigError(problems);
  return config.DATABASE_SSL ? { ca } : undefined;
}

/** Reads a named file; an unreadable one is recorded as a configuration problem, not thrown. */
function readerCollecting(problems: string[]) {
  return (name: string, path: string | undefined): string | undefined => {
    if (!path) return undefined;
    try {
      const text = readFileSync(path, 'utf8');
      if (text.trim()) return text;
      problems.push(`${name} is invalid: ${path} is empty`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name} is invalid: cannot read ${path} (${code})`);
    }
    return undefined;
  };
}
