import type { Server } from "node:http";
import type { RequestHandler, Response } from "express";

/** The requests being answered, so a shutdown can let them finish rather than cut them. */
export class InFlightRequests {
  private readonly open = new Set<Response>();
  private readonly waiters: (() => void)[] = [];
  private draining = false;

  readonly middleware: RequestHandler = (_req, res, next) => {
    // Once draining, no answer invites the client to send another request on the same connection.
    if (this.draining) res.setHeader("Connection", "close");
    this.open.add(res);
    const end = () => {
      if (!this.open.delete(res)) return;
      if (this.open.size === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    res.once("finish", end);
    res.once("close", end);
    next();
  };

  get size(): number {
    return this.open.size;
  }

  /** From now on every answer closes its connection. */
  drain(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader("Connection", "close");
  }

  /** Resolves when no request is being answered. */
  idle(): Promise<void> {
    return this.open.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Stops accepting connections and resolves once every request in flight has been answered and every
 * connection is closed. Idle keep-alive connections are closed at once; a busy one as soon as its answer
 * is out. The caller bounds this with its deadline and then calls `server.closeAllConnections()`.
 */
export async function drainHttpServer(server: Server, requests: InFlightRequests): Promise<void> {
  let closed = false;
  const allClosed = new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
    closed = true;
  });
  requests.drain();
  while (!closed) {
    await requests.idle();
    // A connection turns idle just after its answer is written.
    server.closeIdleConnections();
    await Promise.race([allClosed, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
}
