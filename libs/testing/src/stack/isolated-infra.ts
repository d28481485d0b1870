import type { ServiceName } from '@shopflow/contracts';
import { DedicatedKafka } from '../dedicated-kafka';
import { spawnService } from '../service-process';
import { createTestSchema } from '../test-schema';

const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];

/**
 * A broker (1 or 3 nodes) and three schemas that no other suite touches, migrated and with their
 * topics created by the services' own `migrate` and `create-topics` commands. For tests that kill
 * or stop infrastructure: the consumer groups have fixed names, so a stack on the shared broker
 * would share its groups (and its partitions) with every other suite.
 */
export class IsolatedInfra {
  private constructor(
    readonly brokers: string[],
    private readonly ownKafka: DedicatedKafka | undefined,
    private readonly schemas: Map<ServiceName, Awaited<ReturnType<typeof createTestSchema>>>,
  ) {}

  static async start({
    kafkaPort,
    brokers = 1,
  }: {
    kafkaPort: number;
    brokers?: 1 | 3;
  }): Promise<IsolatedInfra> {
    const [kafka, schemas] = await Promise.all([
      DedicatedKafka.start(kafkaPort, brokers),
      freshSchemas('iso'),
    ]);
    return IsolatedInfra.prepare(new IsolatedInfra(kafka.brokers, kafka, schemas));
  }

  /**
   * Fresh schemas on a broker someone else runs (the benchmarks' broker): for measurements that must
   * start from empty tables but need not own the broker.
   */
  static async onBroker(brokers: string[], schemaPrefix: string): Promise<IsolatedInfra> {
    return IsolatedInfra.prepare(new IsolatedInfra(brokers, undefined, await freshSchemas(schemaPrefix)));
  }

  private static async prepare(infra: IsolatedInfra): Promise<IsolatedInfra> {
    try {
      await Promise.all(
        SERVICES.map(async (service) => {
          for (const command of ['migrate', 'create-topics']) {
            const proc = spawnService(service, { ...infra.env(service), LOG_LEVEL: 'warn' }, [command]);
            const code = await proc.exited;
            if (code !== 0) throw new Error(`${service} ${command} failed (${code}):\n${proc.output()}`);
          }
        }),
      );
    } catch (error) {
      await infra.destroy();
      throw error;
    }
    return infra;
  }

  /** The dedicated broker, for faults: stop it, restart it, kill a node. */
  get kafka(): DedicatedKafka {
    if (!this.ownKafka) throw new Error('this infrastructure runs on a broker it does not own');
    return this.ownKafka;
  }

  /** The variables that point a service at this infrastructure. */
  env(service: ServiceName): Record<string, string> {
    return { DATABASE_URL: this.databaseUrl(service), KAFKA_BROKERS: this.brokers.join(',') };
  }

  databaseUrl(service: ServiceName): string {
    return this.schemas.get(service)!.url;
  }

  async destroy(): Promise<void> {
    await Promise.all([this.ownKafka?.destroy(), ...[...this.schemas.values()].map((s) => s.drop())]);
  }
}

async function freshSchemas(prefix: string) {
  const schemas = await Promise.all(SERVICES.map((service) => createTestSchema(`${prefix}_${service}`)));
  return new Map(SERVICES.map((service, i) => [service, schemas[i]!]));
}
