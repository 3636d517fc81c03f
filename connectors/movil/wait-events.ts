// Server-sent events for a browser waiting on a login request. The decision may reach any node,
// so the handler subscribes to the request's channel first and only then reads the status: a
// decision published before the subscription is still seen, one published after is heard. Each
// open stream costs the node a socket and a subscription, so their number is bounded per node;
// beyond it the answer is 503 and the page polls instead.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { LoginRequests } from './login-requests.js';
import { statusAt, type LoginRequest, type RequestStatus } from './login-request.js';

// Proxies and load balancers drop idle connections (nginx: 60 s by default).
const HEARTBEAT_MS = 20_000;

export interface WaitingBrowsers {
  /** how many streams this node holds now */
  readonly open: number;
  stream(req: Request, res: Response, request: LoginRequest): Promise<void>;
}

export function createWaitingBrowsers(requests: LoginRequests, opts: { max: number; now: () => Date; log: Logger }): WaitingBrowsers {
  let open = 0;

  return {
    get open() {
      return open;
    },

    async stream(req, res, request) {
      if (open >= opts.max) {
        res.status(503).setHeader('Retry-After', '10');
        res.json({ error: 'busy', message: 'too many browsers waiting on this node; poll the status address' });
        return;
      }
      open++;
      let ended = false;
      let unsubscribe: (() => Promise<void>) | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      let expiry: NodeJS.Timeout | undefined;
      const end = () => {
        if (ended) return;
        ended = true;
        open--;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe?.().catch((err: unknown) => opts.log.warn({ err: (err as Error).message }, 'unsubscribe failed'));
        res.end();
      };
      const send = (status: RequestStatus) => {
        if (ended) return;
        res.write(`event: status\ndata: ${status}\n\n`);
        if (status !== 'pending') end();
      };
      req.on('close', end);

      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      // a browser that loses the stream reconnects after this many ms (EventSource's own retry)
      res.write('retry: 5000\n\n');
      try {
        const stop = await requests.watch(request.id, send);
        if (ended) {
          await stop();
          return;
        }
        unsubscribe = stop;
        send(statusAt(await requests.get(request.id), opts.now()));
      } catch (err) {
        opts.log.warn({ err: (err as Error).message }, 'cannot wait for a Cl@ve Móvil request');
        end();
        return;
      }
      if (ended) return;
      heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      expiry = setTimeout(() => send('expired'), Math.max(0, request.expiresAt - opts.now().getTime()));
    },
  };
}
