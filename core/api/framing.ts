import type { Socket } from 'node:net';

/** Largest frame either side accepts; a bigger one closes the connection (protects both ends). */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** A message too big for one frame: the sender finds out before anything is sent, in words. */
export class FrameTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`The request is ${megabytes(bytes)}, more than the ${megabytes(MAX_FRAME_BYTES)} the engine accepts in one message; nothing was sent or changed.`);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** Writes one length-prefixed JSON frame: 4 bytes big-endian length, then UTF-8 JSON. Throws FrameTooLargeError rather than send what the peer would cut off. */
export function writeFrame(socket: Socket, message: unknown): void {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_FRAME_BYTES) throw new FrameTooLargeError(body.length);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  socket.write(Buffer.concat([header, body]));
}

/**
 * Calls `onMessage` for each complete frame received; `onError` when the peer breaks the protocol.
 * `maxBytes` may change over the life of a connection (small before it has authenticated).
 */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void, onError: (error: Error) => void, maxBytes: () => number = () => MAX_FRAME_BYTES): void {
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      const limit = maxBytes();
      if (length > limit) {
        onError(new Error(`a message of ${megabytes(length)} is over the ${megabytes(limit)} limit`));
        socket.destroy();
        return;
      }
      if (buffer.length < 4 + length) break;
      const body = buffer.subarray(4, 4 + length);
      buffer = buffer.subarray(4 + length);
      let message: unknown;
      try {
        message = JSON.parse(body.toString('utf8'));
      } catch {
        onError(new Error('frame is not valid JSON'));
        socket.destroy();
        return;
      }
      onMessage(message);
    }
  });
}
