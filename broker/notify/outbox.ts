// The development outbox (design.md "Addresses, identifiers and the outbox"): one JSON line per
// message in <dir>/<channel>.jsonl, {"channel","to","subject"?,"text","code"?,"at"}, so tests and
// developers read codes without a gateway. Never enabled in production configuration.
//
// Lines never interleave. Within this process, appends to one file run one after another (a
// promise chain per file), because fs.promises.appendFile may split a large buffer over several
// write(2) calls. Between processes (several broker nodes on one var/), each line is one
// appendFile on a file opened O_APPEND: the kernel moves to the end and writes in one step, and a
// line of a few hundred bytes goes out in a single write(2) on a local filesystem.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { NotifyError, type Notifier, type OutgoingMessage } from './notifier.js';

export function createOutboxNotifier(dir: string, now: () => Date = () => new Date()): Notifier {
  const queues = new Map<string, Promise<void>>();
  let dirReady: Promise<unknown> | undefined;

  return {
    async send(message: OutgoingMessage) {
      const line = `${JSON.stringify({
        channel: message.channel,
        to: message.to,
        ...(message.subject !== undefined ? { subject: message.subject } : {}),
        text: message.text,
        ...(message.code !== undefined ? { code: message.code } : {}),
        at: now().toISOString(),
      })}\n`;
      const file = path.join(dir, `${message.channel}.jsonl`);
      dirReady ??= mkdir(dir, { recursive: true }).catch((err: unknown) => {
        dirReady = undefined; // try again on the next message
        throw err;
      });
      const append = async () => {
        await dirReady;
        await appendFile(file, line, { flag: 'a', mode: 0o600 });
      };
      const done = (queues.get(file) ?? Promise.resolve()).then(append, append);
      const tail = done.catch(() => {});
      queues.set(file, tail);
      void tail.then(() => queues.get(file) === tail && queues.delete(file));
      try {
        await done;
      } catch (err) {
        throw new NotifyError(`outbox ${file}: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
