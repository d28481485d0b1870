import type { Metrics } from '@shopflow/platform/observability';
import type { ConsumerState } from './message-broker.port';

/** Gauges read from the member's state at scrape time: nothing is paid per message. */
export function registerConsumerGauges(metrics: Metrics, group: string, state: () => ConsumerState): void {
  metrics.gauge(
    'messaging_consumer_joined',
    '1 while this member holds its group membership',
    ['group'],
    function () {
      this.set({ group }, state().status === 'joined' ? 1 : 0);
    },
  );
  metrics.gauge(
    'messaging_consumer_assigned_partitions',
    'Partitions this member holds',
    ['group'],
    function () {
      this.set({ group }, Object.values(state().assignment).flat().length);
    },
  );
  metrics.gauge(
    'messaging_consumer_lag',
    'Messages behind the log end on the partitions this member holds, as of the last batch of each',
    ['topic', 'partition', 'group'],
    function () {
      this.reset();
      for (const [key, { lag }] of Object.entries(state().progress)) {
        const cut = key.lastIndexOf('/');
        this.set({ topic: key.slice(0, cut), partition: key.slice(cut + 1), group }, lag);
      }
    },
  );
}
