// Readiness, checked with kafkajs, the client the services use: metadata, a probe topic, a round trip.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { KafkaToolError, sleep } from './common.mjs';
import { dataDirs, isKafkaProcess, readClusterInfo, readPids } from './processes.mjs';

// --- Readiness, checked with kafkajs ------------------------------------------------------------

const PROBE_DEBUG = process.env.KAFKA_PROBE_DEBUG === '1';

let kafkajs;
export function loadKafkajs() {
  try {
    kafkajs ??= createRequire(import.meta.url)('kafkajs'); // lazily: fetch, stop and status work without it
  } catch (err) {
    throw err.code === 'MODULE_NOT_FOUND'
      ? new KafkaToolError('kafkajs not installed — run npm ci first')
      : err;
  }
  return kafkajs;
}

/** A kafkajs client that gives up early (its callers retry) and is silent unless KAFKA_PROBE_DEBUG=1. */
function kafkaClient(brokers, { retries = 5, requestTimeout = 10_000 } = {}) {
  const { Kafka, logLevel } = loadKafkajs();
  return new Kafka({
    clientId: 'kafka-mjs',
    brokers,
    logLevel: PROBE_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

const serverList = (s) =>
  (Array.isArray(s) ? s : String(s ?? '').split(',')).map((x) => x.trim()).filter(Boolean);

/**
 * Runs fn(admin, server) with an admin client bootstrapped from each server alone. A fresh client
 * sends its first metadata request to that server, so a broker whose metadata lags the controller
 * is noticed (a shared client would ask any one broker).
 */
function everyNode(servers, fn) {
  return Promise.all(
    servers.map(async (server) => {
      const admin = kafkaClient([server], { retries: 0, requestTimeout: 5000 }).admin();
      try {
        await admin.connect();
        return await fn(admin, server);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }),
  );
}

/** Throws unless every server lists each topic with a leader for every partition. */
function assertTopicsLed(servers, topics) {
  return everyNode(servers, async (admin, server) => {
    const { topics: found } = await admin.fetchTopicMetadata({ topics });
    const bad = found.find((t) => !t.partitions.length || t.partitions.some((p) => p.leader < 0));
    if (bad) throw new Error(`${server}: ${bad.name} has partitions without a leader`);
  });
}

/** Calls check(msLeft) until it resolves, every 50 ms for at most timeoutMs; a KafkaToolError ends it. */
async function retryUntil(what, timeoutMs, check, { abort, debug = () => {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let reason = 'not tried';
  for (;;) {
    const stop = abort?.();
    if (stop) throw stop;
    try {
      return await check(deadline - Date.now());
    } catch (err) {
      if (err instanceof KafkaToolError) throw err;
      if (err.message !== reason) debug(err.message);
      reason = err.message;
    }
    if (Date.now() + 50 >= deadline)
      throw new KafkaToolError(`${what} not ready after ${timeoutMs} ms: ${reason}`);
    await sleep(50);
  }
}

/**
 * One readiness attempt, abandoned after timeoutMs: its clients are then disconnected, and it may
 * not open new ones. Each step is safe to repeat in the next attempt (the topic may exist already).
 */
async function probeOnce({ servers, expected, topic, group, timeoutMs, debug }) {
  const kafka = kafkaClient(servers, { requestTimeout: timeoutMs });
  const clients = [];
  let abandoned = false;
  const open = async (client) => {
    if (abandoned) throw new Error('probe attempt abandoned');
    clients.push(client);
    await client.connect();
    return client;
  };

  const attempt = async () => {
    // 1. Every node answers and lists every broker as registered.
    await everyNode(servers, async (admin, server) => {
      const { brokers } = await admin.describeCluster();
      if (brokers.length !== expected)
        throw new Error(`${server}: ${brokers.length}/${expected} brokers registered`);
    });
    debug('brokers registered');
    // 2. A topic with one partition per broker, on every broker. kafkajs' waitForLeaders fails
    //    spuriously with 3 brokers (see waitForTopics), so poll the metadata instead. Meanwhile an
    //    idempotent producer connects: it needs a producer id, which a broker hands out only once
    //    it got a block of them from the controller. And asking for the probe group makes the
    //    broker create __consumer_offsets (on a fresh cluster) and load the group coordinator.
    const admin = await open(kafka.admin());
    const topics = [{ topic, numPartitions: expected, replicationFactor: expected }];
    const abort = () => abandoned && new Error('probe attempt abandoned'); // ends the polling below
    const [producer] = await Promise.all([
      open(kafka.producer({ idempotent: true, maxInFlightRequests: 1 })),
      admin.describeGroups([group]).catch(() => {}),
      admin
        .createTopics({ topics, waitForLeaders: false })
        .then(() => retryUntil('probe topic', Infinity, () => assertTopicsLed(servers, [topic]), { abort })),
    ]);
    debug('probe topic led, producer id received');
    // 3. The producer writes to every partition with acks=all while a consumer group joins (so the
    //    group coordinator is loaded), reads the records back and commits. Short fetches, because
    //    disconnect waits for the one in flight (up to maxWaitTimeInMs, 5 s by default).
    const consumer = await open(kafka.consumer({ groupId: group, maxWaitTimeInMs: 20 }));
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const nonce = crypto.randomBytes(4).toString('hex');
    const messages = Array.from({ length: expected }, (_, p) => ({ partition: p, value: `${nonce}-${p}` }));
    const [offsets] = await Promise.all([
      new Promise((resolve, reject) => {
        const seen = new Map();
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        const eachMessage = async ({ partition, message }) => {
          if (message.value?.toString() !== `${nonce}-${partition}`) return; // an earlier attempt's
          seen.set(partition, { topic, partition, offset: String(Number(message.offset) + 1) });
          if (seen.size === expected) resolve([...seen.values()]);
        };
        consumer.run({ autoCommit: false, eachMessage }).catch(reject);
      }),
      producer.send({ topic, acks: -1, messages }).then(() => debug('produced')),
    ]);
    await consumer.commitOffsets(offsets);
    debug('consumed and committed');
    // 4. Best-effort clean-up, so that tests listing topics or groups do not see the probe.
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.deleteGroups([group]).catch(() => {});
  };

  let timer;
  const pending = attempt();
  pending.catch(() => {}); // it may still fail after being abandoned
  try {
    await Promise.race([
      pending,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`probe did not finish within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    abandoned = true;
    clearTimeout(timer);
    await Promise.all(clients.map((c) => c.disconnect().catch(() => {})));
  }
}

/**
 * Resolves once a Kafka client can use the cluster: every node answers, `brokers` brokers are
 * registered, a probe topic (a partition per broker, replicated on all) can be created, an
 * idempotent producer can write to every partition with acks=all, and a consumer group can read
 * the records back and commit. The probe topic and group are deleted afterwards. Attempts (each
 * bounded) repeat until timeoutMs: no fixed sleeps.
 *
 * @param {{bootstrapServers: string | string[], brokers?: number, timeoutMs?: number,
 *   abort?: () => Error | undefined}} options abort: polled between attempts; a returned error ends the wait
 */
export async function waitForKafka({ bootstrapServers, brokers, timeoutMs = 60_000, abort } = {}) {
  const servers = serverList(bootstrapServers);
  if (!servers.length) throw new KafkaToolError('waitForKafka: no bootstrap servers');
  const t0 = Date.now();
  const debug = PROBE_DEBUG ? (m) => console.error(`kafka: +${Date.now() - t0} ms ${m}`) : () => {};
  // A new name for every probe: a cluster restarted with its data may hold an interrupted probe's topic.
  const topic = `_kafka-mjs-ready-${crypto.randomBytes(6).toString('hex')}`;
  const probe = { servers, expected: brokers ?? servers.length, topic, group: `${topic}-group`, debug };
  const attempt = (left) => probeOnce({ ...probe, timeoutMs: Math.max(1000, Math.min(15_000, left)) });
  await retryUntil(`Kafka at ${servers.join(',')}`, timeoutMs, attempt, { abort, debug });
  debug('ready');
}

/**
 * Resolves once EVERY broker's metadata shows each topic with all partitions led. Use it after
 * creating topics in tests: in a multi-broker KRaft cluster a broker's metadata cache can lag the
 * controller, and kafkajs' createTopics({ waitForLeaders: true }) then fails with "This server
 * does not host this topic-partition". So: createTopics({ ..., waitForLeaders: false }), then
 * waitForTopics({ bootstrapServers, topics }).
 *
 * @param {{bootstrapServers: string | string[], topics: string[], timeoutMs?: number}} options
 */
export async function waitForTopics({ bootstrapServers, topics, timeoutMs = 30_000 } = {}) {
  const first = serverList(bootstrapServers).slice(0, 1);
  await retryUntil(`topics ${topics.join(', ')}`, timeoutMs, async () => {
    const [{ brokers }] = await everyNode(first, (admin) => admin.describeCluster());
    await assertTopicsLed(
      brokers.map((b) => `${b.host}:${b.port}`),
      topics,
    );
  });
}

/** @returns {Promise<Array<{dataDir: string, bootstrapServers?: string, version?: string, brokers?: number, pids: number[], alive: number[], running: boolean}>>} */
export async function kafkaStatus({ dataDir, port } = {}) {
  return dataDirs({ dataDir, port }).map((dir) => {
    const { bootstrapServers, version, brokers } = readClusterInfo(dir) ?? {};
    const pids = readPids(dir);
    const alive = pids.filter(isKafkaProcess);
    const running = pids.length > 0 && alive.length === pids.length;
    return { dataDir: dir, bootstrapServers, version, brokers, pids, alive, running };
  });
}
