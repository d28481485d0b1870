import type { MessageHeaders, OutgoingMessage, ReceivedMessage } from './message-broker.port';

export type DeadLetterReason = 'invalid-message' | 'handler-failed' | 'refused';

export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** The original key, bytes and headers, plus headers saying where it came from and why it failed. */
export function deadLetterOf(
  message: ReceivedMessage,
  details: { reason: DeadLetterReason; error: string; consumerGroup: string; attempts: number },
): OutgoingMessage {
  const headers: MessageHeaders = {
    ...message.headers,
    [DLQ_HEADERS.reason]: details.reason,
    [DLQ_HEADERS.error]: details.error.slice(0, 2000),
    [DLQ_HEADERS.originalTopic]: message.topic,
    [DLQ_HEADERS.originalPartition]: String(message.partition),
    [DLQ_HEADERS.originalOffset]: message.offset,
    [DLQ_HEADERS.consumerGroup]: details.consumerGroup,
    [DLQ_HEADERS.attempts]: String(details.attempts),
    [DLQ_HEADERS.failedAt]: new Date().toISOString(),
  };
  return { key: message.key, value: message.value, headers };
}
