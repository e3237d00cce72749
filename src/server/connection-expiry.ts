/** setTimeout's longest delay; a later expiry is re-armed for when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Closes each connection when its token expires, with one timer for all connections of a server, armed for the
 * earliest expiry. A connection lives for hours, mostly idle: a timer of its own cost it a timeout object and a
 * closure for all that time.
 */
export class ConnectionExpiry<Socket> {
  private readonly expiries = new Map<Socket, number>();
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  constructor(
    private readonly expire: (socket: Socket) => void,
    private readonly now: () => number = Date.now,
  ) {}

  add(socket: Socket, expiresAt: Date): void {
    const at = expiresAt.getTime();
    this.expiries.set(socket, at);
    if (at < this.armedFor) this.arm(at);
  }

  remove(socket: Socket): void {
    this.expiries.delete(socket);
    if (this.expiries.size === 0) this.disarm();
  }

  dispose(): void {
    this.expiries.clear();
    this.disarm();
  }

  private arm(at: number): void {
    this.disarm();
    this.armedFor = at;
    this.timer = setTimeout(() => this.expireDue(), Math.min(MAX_DELAY_MS, Math.max(0, at - this.now())));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private expireDue(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const [socket, at] of this.expiries) {
      if (at <= now) {
        this.expiries.delete(socket);
        this.expire(socket);
      } else if (at < next) next = at;
    }
    if (next < Infinity) this.arm(next);
  }
}
