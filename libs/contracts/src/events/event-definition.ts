import type { z } from 'zod';

/**
 * One version of one event type. A breaking change to `schema` is a new definition with the next
 * version, never an edit: consumers of the old version keep working until they move.
 */
export interface EventDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly version: number;
  /** The topic it is published on; the topic registry lists it there too. */
  readonly topic: string;
  /** The field of `data` used as the message key (events of one key stay in order). */
  readonly keyField: keyof z.infer<S> & string;
  readonly schema: S;
  readonly description: string;
}

export type EventData<D extends EventDefinition> = z.infer<D['schema']>;

export function defineEvent<S extends z.ZodObject>(definition: EventDefinition<S>): EventDefinition<S> {
  return Object.freeze(definition);
}
