import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@shopflow/contracts';

export interface InboxEntry {
  topic: string;
  event: EventEnvelope;
}

/**
 * Records that `consumer` applied these events, inside the handlers' transaction, in one statement;
 * returns how many were new. The primary key (consumer, event_id) makes a second insert a no-op, so
 * a redelivered event has no second effect; a concurrent duplicate waits on the row lock and then
 * sees the first one's commit. IGNORE turns only the duplicate key into "0 rows": the values are
 * already validated, so nothing else it would forgive (truncation, bad values) can happen here.
 */
export async function markInbox(
  em: EntityManager,
  consumer: string,
  entries: readonly InboxEntry[],
): Promise<number> {
  const now = new Date();
  const result = await em.query(
    'INSERT IGNORE INTO inbox_message (consumer, event_id, topic, event_type, processed_at) VALUES ?',
    [entries.map(({ topic, event }) => [consumer, event.id, topic, event.type, now])],
  );
  return Number(result.affectedRows);
}
