import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import type { FiguresService } from '../figures/figures-service.js';
import { PUBLISH_MS, type ViewerCounts } from '../figures/viewer-counts.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { EventRooms } from '../realtime/event-rooms.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:figures');

/**
 * Every two seconds, on every process: writes this process's viewer counts to Redis, then sends
 * `figures` to the hosts connected to this process (each process serves its own hosts, so no
 * figure is sent twice).
 */
export class FiguresPublisher {
  #loop: SupervisedLoop | null = null;
  #published = new Set<string>();

  constructor(
    private readonly deps: {
      rooms: EventRooms;
      viewers: ViewerCounts;
      figures: FiguresService;
      metrics: ServerMetrics;
    },
  ) {}

  start(): void {
    this.#loop ??= superviseLoop('figures', (signal) => this.#run(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('figures').inc(),
    });
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    await this.deps.viewers.withdraw(this.#published).catch(() => undefined);
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.publishOnce();
      await sleep(PUBLISH_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  async publishOnce(): Promise<void> {
    const { rooms, viewers, figures } = this.deps;
    this.#published = await viewers.publish(rooms.localAudience('shop'), this.#published);
    for (const eventId of rooms.localAudience('host').keys()) {
      try {
        rooms.emitStaffLocal('host', eventId, 'figures', await figures.figures(eventId));
      } catch (error) {
        debug('figures of %s: %s', eventId, (error as Error).message);
      }
    }
  }
}
