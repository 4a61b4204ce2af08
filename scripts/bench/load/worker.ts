/**
 * One load-generator process: holds a share of the client sockets and runs the commands the
 * parent sends over IPC. Several of these run side by side so 10,000 sockets never sit in one
 * event loop (or hit one process's file-descriptor limit).
 */
import { checkout } from './checkout.js';
import { connect, removeMembers } from './clients.js';
import type { DisconnectResult, WorkerRequest, WorkerResponse } from './protocol.js';
import { burst, reserveLoop } from './reserves.js';
import { watch, watchReport } from './stock-watch.js';

const PROGRESS_INTERVAL_MS = 100;

/** Sends the command's progress to the parent at most every 100 ms. */
function progressReporter(id: number): (done: number) => void {
  let lastSent = 0;
  return (done) => {
    const now = Date.now();
    if (now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    process.send!({ id, progress: done } satisfies WorkerResponse);
  };
}

function disconnect(group?: string): DisconnectResult {
  const closing = removeMembers(group);
  for (const client of closing) client.socket.close();
  return { closed: closing.length, unexpectedDisconnects: closing.filter((client) => client.dropped).length };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'connect':
      return connect(request.args, progressReporter(request.id));
    case 'reserveLoop':
      return reserveLoop(request.args);
    case 'burst':
      return burst(request.args, progressReporter(request.id));
    case 'checkout':
      return checkout(request.args, progressReporter(request.id));
    case 'watch':
      return watch(request.args);
    case 'watchReport':
      return watchReport(request.args);
    case 'disconnect':
      return disconnect(request.args.group);
  }
}

process.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) => process.send!({ id: request.id, ok: false, error: String(error) } satisfies WorkerResponse),
  );
});
process.on('disconnect', () => process.exit(0));
