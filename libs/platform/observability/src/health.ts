import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * A dependency of the service, as a terminus health indicator: `isHealthy` answers `{ [key]: {
 * status: 'up' | 'down', ...details } }` (built with terminus's `HealthIndicatorService`) and does
 * not throw. Only indicators that gate readiness (the default) can make the service unready: the
 * others (e.g. Kafka, which HTTP requests never wait for) are reported in the probe's body and in
 * metrics, so an operator sees them without the pod leaving the load balancer (ADR 0008).
 */
export interface ReadinessIndicator {
  /** The indicator's name in the probe's body. */
  readonly key: string;
  /** Default true. False: reported, never the reason for a 503. */
  readonly gatesReadiness?: boolean;
  isHealthy(): Promise<HealthIndicatorResult>;
}

/** DI token under which an app lists the indicators its readiness depends on. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
