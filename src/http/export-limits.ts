import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Every export slot is taken and none came free in time. Maps to 503 with Retry-After. */
export class ExportsBusyError extends Error {
  readonly code = 'EXPORT.BUSY';
  constructor() {
    super('too many exports are running; try again shortly');
    this.name = 'ExportsBusyError';
  }
}

/**
 * Keeps streaming exports from starving the service. An export reads from one snapshot, so it
 * holds a database connection, in an open transaction, for as long as its file is being sent; a
 * client that stops reading would hold it for ever. So:
 *
 * - at most a quarter of the pool (at least one) is ever held by exports; one more waits for a
 *   slot as long as a request waits for a connection, then answers 503;
 * - an export ends after EXPORT_MAX_MS, finished or not, and as soon as its client has read
 *   nothing for EXPORT_IDLE_WRITE_MS; the connection is closed mid-file (the client sees a
 *   transfer cut short, never a file that looks whole), and the database connection goes back.
 */
@Injectable()
export class ExportLimits {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  readonly slots: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.slots = Math.max(1, Math.floor(config.DB_POOL_SIZE / 4));
  }

  /** A slot, or ExportsBusyError after DB_CONNECTION_TIMEOUT_MS. The function returned frees it (once). */
  async acquire(): Promise<() => void> {
    if (this.running >= this.slots) {
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(turn), 1);
          reject(new ExportsBusyError());
        }, this.config.DB_CONNECTION_TIMEOUT_MS);
        this.waiting.push(turn);
      });
    } else {
      this.running++;
    }
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      // The slot passes straight to the next in line, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }

  /**
   * The export's chunks as a stream that gives up on its client (see the class). `finish` runs
   * once the stream is closed for whatever reason: it gives back the connection and the slot.
   */
  stream(chunks: AsyncIterable<string>, response: Response, finish: () => Promise<void> | void): Readable {
    let idle: NodeJS.Timeout | undefined;
    const abort = () => {
      // Closing the socket is what a client that does not read notices; the stream closing
      // behind it gives the connection back.
      response.destroy();
      stream.destroy();
    };
    const overall = setTimeout(abort, this.config.EXPORT_MAX_MS);
    const idleMs = this.config.EXPORT_IDLE_WRITE_MS;
    // Armed while the consumer has not asked for the next chunk: a client that stops reading
    // stops the asking (the response's buffers fill, and the pipe pauses).
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(abort, idleMs);
    };
    const guarded = async function* () {
      arm();
      for await (const chunk of chunks) {
        yield chunk;
        arm();
      }
    };
    // One chunk ahead at most: a page is read when the client has taken the one before.
    const stream = Readable.from(guarded(), { highWaterMark: 1 });
    stream.once('close', () => {
      clearTimeout(overall);
      clearTimeout(idle);
      void Promise.resolve(finish()).catch(() => undefined);
    });
    // A client that goes away ends the export at once.
    response.once('close', () => {
      if (!stream.destroyed && !response.writableFinished) stream.destroy();
    });
    return stream;
  }
}
