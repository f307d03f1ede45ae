/** What goes on the delivery queue: enough to find the delivery row, nothing that can go stale. */
export interface DeliveryMessage {
  tenantId: string;
  recipientObjectId: string;
  deliveryId: string;
}
