import { TOPICS, type ServiceName } from '@shopflow/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { dedicatedKafkaPort } from '../test-env';
import { IsolatedInfra } from './isolated-infra';
import { runSagaLoad, type SagaLoadOptions, type SagaLoadReport } from './saga-load';
import { ShopflowStack } from './shopflow-stack';

export interface RecoveryRun {
  infra: IsolatedInfra;
  stack: ShopflowStack;
  faultAfterMs: number;
}

export interface RecoveryScenario {
  name: string;
  /** Which dedicated broker port the scenario's own cluster takes (see dedicatedKafkaPort). */
  slot: number;
  brokers?: 1 | 3;
  instances?: Partial<Record<ServiceName, number>>;
  /** Runs beside the load; resolves with the restarted processes' start-to-ready times, if any. */
  fault(run: RecoveryRun): Promise<number[]>;
}

export interface RecoveryReport extends SagaLoadReport {
  scenario: string;
  /** Longest time from a restarted process's start to its first ready answer. */
  restartToReadyMs?: number;
}

/** How long a killed instance stays down before it is started again, as an operator's restart would. */
const DOWN_FOR_MS = 2_000;
/** How long the broker outage lasts. */
const BROKER_OUTAGE_MS = 10_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function crashAndRestart(
  run: RecoveryRun,
  service: ServiceName,
  instance = 0,
  laterMs = 0,
): Promise<number> {
  await pause(run.faultAfterMs + laterMs);
  await run.stack.crash(service, instance);
  await pause(DOWN_FOR_MS);
  return run.stack.restart(service, instance);
}

/**
 * The faults of issue #12, each on a broker and schemas of its own. The e2e recovery suites run
 * them in a short form and assert; `npm run bench:recovery` runs them longer and prints the figures.
 */
export const RECOVERY_SCENARIOS = {
  quiet: { name: 'no fault (baseline)', slot: 1, fault: async () => [] },
  catalogCrash: {
    name: 'kill -9 + restart: catalog',
    slot: 1,
    fault: async (run) => [await crashAndRestart(run, 'catalog')],
  },
  orderCrash: {
    name: 'kill -9 + restart: order',
    slot: 1,
    fault: async (run) => [await crashAndRestart(run, 'order')],
  },
  replicaCrash: {
    name: 'kill -9 + restart: 1 of 2 catalog and 1 of 2 order',
    slot: 2,
    instances: { catalog: 2, order: 2 },
    // One after the other, as a node failure spread over time or a rolling restart would.
    fault: (run) =>
      Promise.all([crashAndRestart(run, 'catalog', 1), crashAndRestart(run, 'order', 1, 4_000)]),
  },
  brokerStop: {
    name: `single broker stopped ${BROKER_OUTAGE_MS / 1000} s`,
    slot: 3,
    fault: async (run) => {
      await pause(run.faultAfterMs);
      await run.infra.kafka.stop();
      await pause(BROKER_OUTAGE_MS);
      await run.infra.kafka.restart();
      return [];
    },
  },
  leaderKill: {
    name: 'kill -9 of the order.events leader, 3 brokers',
    slot: 4,
    brokers: 3,
    fault: async (run) => {
      await pause(run.faultAfterMs);
      run.infra.kafka.killNode(await leaderOf(run.infra.kafka.brokers, TOPICS.orderEvents.name, 0));
      return [];
    },
  },
} satisfies Record<string, RecoveryScenario>;

/** Starts the scenario's own infrastructure and stack, runs the load with the fault, tears down. */
export async function runRecoveryScenario(
  scenario: RecoveryScenario,
  load: SagaLoadOptions & { faultAfterMs: number },
  /** Variables for every service (e.g. another KAFKA_SESSION_TIMEOUT_MS, to compare). */
  serviceEnv: Record<string, string> = {},
): Promise<RecoveryReport> {
  const infra = await IsolatedInfra.start({
    kafkaPort: dedicatedKafkaPort(scenario.slot),
    brokers: scenario.brokers,
  });
  let stack: ShopflowStack | undefined;
  try {
    const env = { auth: serviceEnv, catalog: serviceEnv, order: serviceEnv };
    stack = await ShopflowStack.start({ infra, instances: scenario.instances, env });
    let restarts: number[] = [];
    const run = { infra, stack, faultAfterMs: load.faultAfterMs };
    const report = await runSagaLoad(stack, load, async () => {
      restarts = await scenario.fault(run);
    });
    return {
      scenario: scenario.name,
      ...report,
      ...(restarts.length ? { restartToReadyMs: Math.max(...restarts) } : {}),
    };
  } finally {
    await stack?.stop();
    await infra.destroy();
  }
}

async function leaderOf(brokers: string[], topic: string, partition: number): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'leader-probe', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.find((p) => p.partitionId === partition)!.leader;
  } finally {
    await admin.disconnect();
  }
}
