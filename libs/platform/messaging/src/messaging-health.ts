import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@shopflow/platform/observability';
import { totalLag } from './consumer-progress';
import { EventConsumer } from './event-consumer';
import { MESSAGE_BROKER, type MessageBroker } from './message-broker.port';

/**
 * The broker, as a detail of readiness, never its gate: HTTP requests only write to the database
 * (the outbox), so a broker outage must not take the service out of its load balancer (ADR 0008).
 * It answers from the last finished ping and starts the next one, so a probe never waits on a
 * broker that does not answer (kafkajs retries a connection for seconds).
 */
@Injectable()
export class KafkaHealthIndicator implements ReadinessIndicator {
  readonly key = 'kafka';
  readonly gatesReadiness = false;
  private last?: { error?: string };
  private pinging?: Promise<void>;
  constructor(
    @Inject(MESSAGE_BROKER) private readonly broker: MessageBroker,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(this.key);
    this.pinging ??= this.broker
      .ping()
      .then(
        () => void (this.last = {}),
        (error: unknown) =>
          void (this.last = { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => (this.pinging = undefined));
    if (!this.last)
      await Promise.race([this.pinging, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    if (!this.last) return indicator.down('no answer yet');
    if (this.last.error !== undefined) return indicator.down(this.last.error);
    return indicator.up();
  }
}

/** The consumer-group member: joined or not, partitions held, lag. Reported, never a gate. */
@Injectable()
export class ConsumerHealthIndicator implements ReadinessIndicator {
  readonly key = 'consumer';
  readonly gatesReadiness = false;
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() private readonly consumer?: EventConsumer,
  ) {}

  async isHealthy(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(this.key);
    if (!this.consumer) return indicator.up({ group: 'none' });
    const state = this.consumer.state();
    const seconds = Math.round((Date.now() - state.since) / 1000);
    if (state.status !== 'joined')
      return indicator.down(
        `${state.status} for ${seconds} s${state.lastError ? `: ${state.lastError}` : ''}`,
      );
    return indicator.up({
      memberId: state.memberId,
      joinedSeconds: seconds,
      partitions: state.assignment,
      lag: totalLag(state),
    });
  }
}
