import type { QueueClient } from "@azure/storage-queue";
import { decodeMessage, encodeMessage } from "./message-codec.js";

export interface QueueMessage<T> {
  messageId: string;
  popReceipt: string;
  /** How many times this message has been handed out, this time included. */
  dequeueCount: number;
  body: T;
  /** Which Azure queue of a sharded queue it came from. */
  shard?: number;
}

/**
 * A typed Azure Storage queue for competing consumers: a received message stays invisible to other
 * instances for the visibility timeout and comes back if its worker dies before deleting it.
 */
export class WorkQueue<T> {
  constructor(private readonly client: QueueClient) {}

  get name(): string {
    return this.client.name;
  }

  async ensure(): Promise<void> {
    await this.client.createIfNotExists();
  }

  /** The SDK sends text as is: `encodeMessage` makes it safe for the XML envelope (and small). */
  async send(body: T, options: { delaySeconds?: number; ttlSeconds?: number } = {}): Promise<string> {
    const text = encodeMessage(body);
    const response = await this.client.sendMessage(text, {
      visibilityTimeout: options.delaySeconds,
      messageTimeToLive: options.ttlSeconds ?? -1,
    });
    return response.messageId;
  }

  async receive(options: { max?: number; visibilitySeconds?: number } = {}): Promise<QueueMessage<T>[]> {
    const response = await this.client.receiveMessages({
      numberOfMessages: Math.min(Math.max(options.max ?? 16, 1), 32),
      visibilityTimeout: options.visibilitySeconds ?? 60,
    });
    return response.receivedMessageItems.map((m) => ({
      messageId: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
      body: decodeMessage<T>(m.messageText),
    }));
  }

  async delete(message: Pick<QueueMessage<T>, "messageId" | "popReceipt">): Promise<void> {
    await this.client.deleteMessage(message.messageId, message.popReceipt);
  }

  /**
   * Hands the message back to be seen again after `delaySeconds` (throttled or backing off), with a new
   * body when one is given (what is left of it to do).
   */
  async release(
    message: Pick<QueueMessage<T>, "messageId" | "popReceipt">,
    delaySeconds: number,
    body?: T,
  ): Promise<string> {
    const text = body === undefined ? undefined : encodeMessage(body);
    const response = await this.client.updateMessage(message.messageId, message.popReceipt, text, delaySeconds);
    return response.popReceipt ?? "";
  }

  async approximateCount(): Promise<number> {
    const properties = await this.client.getProperties();
    return properties.approximateMessagesCount ?? 0;
  }

  /**
   * For monitoring: the approximate count (hidden messages included) and the message a receive would get
   * now, left where it is. Azure returns visible messages roughly oldest first, so that is the oldest due.
   */
  async peekFirst(): Promise<{ count: number; first?: { insertedOn: Date; body: T } }> {
    const [count, peeked] = await Promise.all([
      this.approximateCount(),
      this.client.peekMessages({ numberOfMessages: 1 }),
    ]);
    const item = peeked.peekedMessageItems[0];
    if (!item) return { count };
    return {
      count,
      first: {
        insertedOn: item.insertedOn,
        body: decodeMessage<T>(item.messageText),
      },
    };
  }
}
