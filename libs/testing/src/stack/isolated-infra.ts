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
    readonly kafka: DedicatedKafka,
    private readonly schemas: Map<ServiceName, Awaited<ReturnType<typeof createTestSchema>>>,
  ) {}

  static async start({
    kafkaPort,
    brokers = 1,
  }: {
    kafkaPort: number;
    brokers?: 1 | 3;
  }): Promise<IsolatedInfra> {
    const [kafka, ...schemas] = await Promise.all([
      DedicatedKafka.start(kafkaPort, brokers),
      ...SERVICES.map((service) => createTestSchema(`iso_${service}`)),
    ]);
    const infra = new IsolatedInfra(kafka, new Map(SERVICES.map((s, i) => [s, schemas[i]!])));
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

  /** The variables that point a service at this infrastructure. */
  env(service: ServiceName): Record<string, string> {
    return { DATABASE_URL: this.schemas.get(service)!.url, KAFKA_BROKERS: this.kafka.brokers.join(',') };
  }

  async destroy(): Promise<void> {
    await Promise.all([this.kafka.destroy(), ...[...this.schemas.values()].map((s) => s.drop())]);
  }
}
