import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@shopflow/contracts';

/**
 * Records that `consumer` applied an event, inside the handler's transaction. The primary key
 * (consumer, event_id) makes a second insert a no-op, so a redelivered event has no second effect;
 * a concurrent duplicate waits on the row lock and then sees the first one's commit.
 * IGNORE turns only the duplicate key into "0 rows": the values are already validated, so nothing
 * else it would forgive (truncation, bad values) can happen here.
 */
export async function markInbox(
  em: EntityManager,
  consumer: string,
  topic: string,
  event: EventEnvelope,
): Promise<boolean> {
  const result = await em.query(
    'INSERT IGNORE INTO inbox_message (consumer, event_id, topic, event_type, processed_at) VALUES (?, ?, ?, ?, ?)',
    [consumer, event.id, topic, event.type, new Date()],
  );
  return Number(result.affectedRows) === 1;
}
