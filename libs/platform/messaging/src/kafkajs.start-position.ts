import type { Admin, Consumer } from 'kafkajs';

/**
 * Where a member that starts from the newest offset (`fromBeginning: false`) reads, decided before
 * it joins. Left to kafkajs, "newest" is looked up inside the first fetch after each join: a
 * message written between the join and that fetch is never read, and neither is one written while
 * a rejoining member held no offset. A joined member would then look current while missing changes
 * (the catalog's in-process cache trusts a joined feed). So the member takes the log end once, as
 * it starts, and at every join seeks each partition to where it stopped reading, or to that log end.
 */
export class StartPosition {
  /** Next offset to read, by "topic/partition": the log end at start, then what was read. */
  private readonly next = new Map<string, string>();

  /** `admin`: the broker's connected admin client. */
  static async atLogEnd(
    admin: Pick<Admin, 'fetchTopicOffsets'>,
    topics: readonly string[],
  ): Promise<StartPosition> {
    const position = new StartPosition();
    for (const topic of topics)
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        position.next.set(`${topic}/${partition}`, high);
    return position;
  }

  /** The member has read everything before `nextOffset`. */
  read(topic: string, partition: number, nextOffset: string): void {
    this.next.set(`${topic}/${partition}`, nextOffset);
  }

  /** Called on the join: the seeks are applied by the fetches that follow it, before any message is read. */
  seekOnJoin(consumer: Consumer, assignment: Record<string, number[]>): void {
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) {
        const offset = this.next.get(`${topic}/${partition}`);
        // A partition added since the start: kafkajs's own "newest" is the best there is.
        if (offset !== undefined) consumer.seek({ topic, partition, offset });
      }
  }
}
