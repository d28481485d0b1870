/**
 * The trace context each consumed event arrived with (its record's `traceparent` header), kept
 * beside the parsed envelope for as long as the envelope lives. A chunk handler's events run in
 * one span, so an event it emits finds its cause's trace here (`Outbox.add(…, { causedBy })`).
 */
const arrivedWith = new WeakMap<object, string>();

export function rememberTraceparent(event: object, traceparent: string | undefined): void {
  if (traceparent) arrivedWith.set(event, traceparent);
}

export function traceparentOf(event: object): string | undefined {
  return arrivedWith.get(event);
}
