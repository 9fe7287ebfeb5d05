import type { Socket } from 'node:net';

/** Largest frame either side accepts; a bigger one closes the connection (protects both ends). */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** Writes one length-prefixed JSON frame: 4 bytes big-endian length, then UTF-8 JSON. */
export function writeFrame(socket: Socket, message: unknown): void {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  socket.write(Buffer.concat([header, body]));
}

/** Calls `onMessage` for each complete frame received; `onError` when the peer breaks the protocol. */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void, onError: (error: Error) => void): void {
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        onError(new Error(`frame of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`));
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
