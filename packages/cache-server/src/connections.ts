/**
 * A cap on open connections that idle floods cannot use to lock real clients out.
 *
 * Node's `server.maxConnections` refuses every new connection once the cap is reached, so ~cap idle sockets (which
 * cost an attacker nothing) would make `/health` and every Nx client unreachable until the timeouts free them. Here a
 * connection over the cap instead closes the oldest connection that has no request in progress (never sent complete
 * headers, or idle between keep-alive requests); only when every connection is serving a request is the new one
 * refused. An idle flood therefore rotates through the slots while a client that sends its request promptly is served.
 */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { Socket } from 'node:net';

export function defaultMaxConnections(): number {
  return maxConnectionsFor(readProcLimits());
}

/**
 * Half the process's open-file limit (each busy connection may also hold an entry file open), between 32 and 4,096;
 * 1,024 when the limit is unknown. `procLimits` is the text of /proc/self/limits (Linux).
 */
export function maxConnectionsFor(procLimits: string | undefined): number {
  const m = procLimits ? /^Max open files\s+(\d+|unlimited)/m.exec(procLimits) : null;
  const limit = m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  if (limit === undefined) return 1024;
  return Math.max(32, Math.min(4096, Math.floor(limit / 2)));
}

function readProcLimits(): string | undefined {
  try {
    return fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined; // not Linux
  }
}

interface Conn {
  /** Requests in progress on this connection (HTTP/1.1 without pipelining: 0 or 1). */
  busy: number;
}

export class ConnectionCap {
  /** Insertion order is connection age: the first idle one found is the oldest. */
  private readonly conns = new Map<Socket, Conn>();
  private evicted = 0;
  private refused = 0;
  private lastReport = 0;

  constructor(
    readonly max: number,
    private readonly log: (rec: Record<string, unknown>) => void,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new Error(`max connections must be a positive integer, got ${max}`);
  }

  attach(server: http.Server): void {
    server.on('connection', (sock: Socket) => this.onConnection(sock));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const c = this.conns.get(req.socket);
      if (!c) return;
      c.busy++;
      res.once('close', () => c.busy--);
    });
  }

  get open(): number {
    return this.conns.size;
  }

  private onConnection(sock: Socket): void {
    if (this.conns.size >= this.max) {
      const idle = this.oldestIdle();
      if (idle) {
        this.conns.delete(idle);
        idle.destroy();
        this.evicted++;
      } else {
        sock.destroy();
        this.refused++;
        this.report();
        return;
      }
      this.report();
    }
    this.conns.set(sock, { busy: 0 });
    sock.once('close', () => this.conns.delete(sock));
  }

  private oldestIdle(): Socket | undefined {
    for (const [sock, c] of this.conns) if (c.busy === 0) return sock;
    return undefined;
  }

  /** One warning per second at most: a flood must not turn into a flood of log lines. */
  private report(): void {
    const now = Date.now();
    if (now - this.lastReport < 1000) return;
    this.lastReport = now;
    this.log({ level: 'warn', event: 'connection-cap', max: this.max, closedIdle: this.evicted, refused: this.refused });
    this.evicted = 0;
    this.refused = 0;
  }
}
