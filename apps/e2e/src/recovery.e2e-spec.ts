import { RECOVERY_SCENARIOS, runRecoveryScenario, type RecoveryReport } from '@shopflow/testing';

/**
 * Faults under saga load, with the default settings, each on a broker and schemas of its own: 5
 * customers ordering 20 one-unit orders/s for 14 s (the fault 3 s in), retrying as real clients
 * do (same Idempotency-Key after a refusal). Whatever the fault, nothing is lost or doubled, no
 * order is left PENDING, the stock adds up, and no order is rejected for `timeout` while stock
 * exists. The longer runs and their figures: `npm run bench:recovery` (docs/benchmarks.md).
 */
describe('recovery under saga load (real processes, real broker, real database)', () => {
  jest.setTimeout(300_000);
  const LOAD = { customers: 5, ratePerSecond: 20, durationMs: 14_000, stock: 1_000, faultAfterMs: 3_000 };

  function expectNothingLost(report: RecoveryReport, { timeoutsAllowed = false } = {}): void {
    expect(report.invariants).toEqual({ oneOrderPerKey: true, noneLeftPending: true, stockArithmetic: true });
    expect(report.accepted).toBeGreaterThan(150);
    if (timeoutsAllowed) {
      expect(report.rejectedOther).toBe(0);
      expect(report.confirmed + report.rejectedForTimeout).toBe(report.accepted);
      return;
    }
    // Stock was there for every order: a rejection here would be a sale lost to the fault.
    expect({ timeout: report.rejectedForTimeout, other: report.rejectedOther }).toEqual({
      timeout: 0,
      other: 0,
    });
    expect(report.confirmed).toBe(report.accepted);
  }

  it.each([RECOVERY_SCENARIOS.catalogCrash, RECOVERY_SCENARIOS.orderCrash])(
    '$name: HTTP within 5 s of the process start, confirmations again within seconds',
    async (scenario) => {
      const report = await runRecoveryScenario(scenario, LOAD);
      expectNothingLost(report);
      expect(report.restartToReadyMs).toBeLessThan(5_000);
      // Down 2 s, then the 6 s session timeout before the group lets the new member in.
      expect(report.longestStallMs).toBeLessThan(15_000);
    },
  );

  it('kill -9 + restart of one of two instances: HTTP within 5 s, the survivors serve and take the partitions', async () => {
    const report = await runRecoveryScenario(RECOVERY_SCENARIOS.replicaCrash, LOAD);
    expectNothingLost(report);
    // Six service processes share 2 cores with the broker, the database and the load here; quiet,
    // the restarted one answers in about 2 s (docs/benchmarks.md), so 5 s leaves room for a busy CI.
    expect(report.restartToReadyMs).toBeLessThan(5_000);
    expect(report.longestRefusalMs).toBeLessThan(2_000);
    expect(report.longestStallMs).toBeLessThan(15_000);
  });

  it('the only broker stopped for 10 s: orders are still accepted, and all are final after it', async () => {
    const report = await runRecoveryScenario(RECOVERY_SCENARIOS.brokerStop, { ...LOAD, durationMs: 18_000 });
    expectNothingLost(report);
    // HTTP never waits for Kafka: placing an order writes only the database (the outbox).
    expect(report.longestRefusalMs).toBeLessThan(2_000);
  });

  it('kill -9 of the order.events leader with 3 brokers (replication 3, min.insync 2)', async () => {
    const report = await runRecoveryScenario(RECOVERY_SCENARIOS.leaderKill, LOAD);
    // While fetches fail against the dead leader, the consumer sees no lag (kafkajs reports no empty
    // or failed fetch), so the sweep may time out an order whose answer waits on the new leader: rare
    // (1 of ~280 once), recorded in ADR 0008; nothing is lost and the stock adds up regardless.
    expectNothingLost(report, { timeoutsAllowed: true });
    expect(report.longestRefusalMs).toBeLessThan(2_000);
    expect(report.longestStallMs).toBeLessThan(30_000);
  });
});
