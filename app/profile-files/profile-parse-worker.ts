// The entry of a profile parse worker thread (started by profile-parser-pool.ts): checks the
// files of each batch it is sent with checkProfileFile and posts the outcomes back, in small
// groups so the pool sees progress while a batch of large files is being parsed. It holds no
// state between batches and must never post anything but outcomes of the batch it works on.
import { parentPort } from 'node:worker_threads';
import { checkProfileFile } from './profile-file-check.ts';
import type { BatchRequest, BatchReply } from './profile-parse-messages.ts';
import type { FileCheckOutcome } from './profile-file-check.ts';

/** Outcomes are posted at least this often while a batch runs (and at its end). */
const FLUSH_EVERY_MS = 20;

const port = parentPort;
if (port !== null) {
  port.on('message', (request: BatchRequest) => {
    let pending: FileCheckOutcome[] = [];
    let flushedAt = performance.now();
    const post = (done: boolean): void => {
      const reply: BatchReply = { batch: request.batch, outcomes: pending, done };
      port.postMessage(reply);
      pending = [];
      flushedAt = performance.now();
    };
    for (const job of request.jobs) {
      pending.push(checkProfileFile(job, request.limit));
      if (request.isolated || performance.now() - flushedAt >= FLUSH_EVERY_MS) post(false);
    }
    post(true);
  });
}
