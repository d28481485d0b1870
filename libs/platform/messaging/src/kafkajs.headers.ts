import type { IHeaders } from 'kafkajs';
import type { MessageHeaders } from './message-broker.port';

/** Kafka header values arrive as buffers (or arrays of them); the port speaks strings, last one wins. */
export function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const decoded: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    decoded[name] = Buffer.isBuffer(single) ? single.toString('utf8') : String(single);
  }
  return decoded;
}
