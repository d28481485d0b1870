import { createConnection, type Connection } from 'mysql2/promise';
import type { ServiceName } from '@shopflow/contracts';
import { summarize } from './bench-infra';
import type { Sample } from './saga-phase';

/**
 * Where the time goes, for a sample of confirmed orders, from the timestamps the services wrote
 * (read from their schemas after the row, so it adds no load during it; one clock, one machine).
 * `published_at` is written after the broker acknowledged; `processed_at` when the consumer's
 * transaction records the event in its inbox, before the handler runs.
 */
export async function sagaStages(
  databaseUrl: (service: ServiceName) => string,
  samples: Sample[],
  count = 300,
) {
  const picked = samples
    .filter((s) => s.state === 'CONFIRMED')
    .sort(() => Math.random() - 0.5)
    .slice(0, count);
  const connect = (service: ServiceName) => createConnection({ uri: databaseUrl(service), timezone: 'Z' });
  const [orderDb, catalogDb] = await Promise.all([connect('order'), connect('catalog')]);
  type Row = Record<string, unknown> & { t?: Date };
  const rows = async (db: Connection, sql: string, params: unknown[]) =>
    (await db.query(sql, params))[0] as Row[];
  const ms = (d: unknown) => (d instanceof Date ? d.getTime() : NaN);
  try {
    const ids = picked.map((s) => s.orderId);
    if (ids.length === 0) return [];
    const byKey = (list: Row[], key: string) => new Map(list.map((r) => [String(r[key]), r]));
    const created = byKey(
      await rows(orderDb, 'SELECT id, created_at FROM customer_order WHERE id IN (?)', [ids]),
      'id',
    );
    const orderOutbox = await rows(
      orderDb,
      `SELECT id, message_key, event_type, created_at, published_at FROM outbox_message
        WHERE message_key IN (?) AND event_type IN ('OrderPlaced', 'OrderConfirmed')`,
      [ids],
    );
    const placed = byKey(
      orderOutbox.filter((r) => r['event_type'] === 'OrderPlaced'),
      'message_key',
    );
    const confirmed = byKey(
      orderOutbox.filter((r) => r['event_type'] === 'OrderConfirmed'),
      'message_key',
    );
    const reserved = byKey(
      await rows(
        catalogDb,
        `SELECT id, message_key, created_at, published_at FROM outbox_message
          WHERE message_key IN (?) AND event_type = 'StockReserved'`,
        [ids],
      ),
      'message_key',
    );
    const catalogInbox = byKey(
      await rows(catalogDb, 'SELECT event_id, processed_at FROM inbox_message WHERE event_id IN (?)', [
        [...placed.values()].map((r) => r['id']),
      ]),
      'event_id',
    );
    const orderInbox = byKey(
      await rows(orderDb, 'SELECT event_id, processed_at FROM inbox_message WHERE event_id IN (?)', [
        [...reserved.values()].map((r) => r['id']),
      ]),
      'event_id',
    );
    const names = [
      'POST → order transaction (HTTP, JWT, pricing)',
      'order commit + relay → OrderPlaced acked',
      'Kafka → catalog consumer (inbox insert)',
      'reserve + commit + relay → StockReserved acked',
      'Kafka → order consumer (inbox insert)',
      'confirm + commit + relay → OrderConfirmed acked',
      'Kafka → bench consumer',
    ];
    const durations: number[][] = names.map(() => []);
    for (const s of picked) {
      const p = placed.get(s.orderId);
      const r = reserved.get(s.orderId);
      const c = confirmed.get(s.orderId);
      if (!p || !r || !c) continue;
      const points = [
        s.startedAt,
        ms(created.get(s.orderId)?.['created_at']),
        ms(p['published_at']),
        ms(catalogInbox.get(String(p['id']))?.['processed_at']),
        ms(r['published_at']),
        ms(orderInbox.get(String(r['id']))?.['processed_at']),
        ms(c['published_at']),
        s.finishedAt,
      ];
      if (points.some((t) => Number.isNaN(t))) continue;
      for (let i = 0; i < names.length; i++) durations[i]!.push(points[i + 1]! - points[i]!);
    }
    return names.map((name, i) => ({ name, ...summarize(durations[i]!) }));
  } finally {
    await Promise.all([orderDb.end(), catalogDb.end()]);
  }
}
