/**
 * A body over a route's limit is answered 413 at once and no more of it is kept (fastify stops
 * buffering and asks for `connection: close`). Node then closes the socket as soon as the answer
 * is out; if the client is still sending, the kernel answers its next bytes with a reset, and a
 * client that has not read our 413 yet loses it and sees only "connection reset". So, as nginx and
 * Apache do ("lingering close"): send the answer and our FIN, drop whatever still arrives, and
 * close for good once the client has read it and closed, or after LINGER_MS at the latest.
 */
import type { Socket } from 'node:net';

export const LINGER_MS = 2000;

export function lingerBeforeClosing(socket: Socket | undefined): void {
  if (!socket || typeof socket.destroy !== 'function' || socket.destroyed) return;
  // Node's server calls socket.destroySoon() after a `connection: close` answer, or socket.end()
  // when there is none: the half-close without the immediate destroy.
  Object.defineProperty(socket, 'destroySoon', { value: undefined, configurable: true, writable: true });
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // What the client still sends is read and dropped, never buffered.
  socket.once('end', () => socket.destroy());
}
