/** How long an order may stay PENDING before it is rejected with reason `timeout`. */
export class OrderPolicy {
  constructor(readonly pendingTimeoutMs: number) {}
}
