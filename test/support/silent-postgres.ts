/**
 * A fake PostgreSQL server that completes the start-up handshake (no
 * password asked: AuthenticationOk, a backend key, ReadyForQuery) and then
 * never answers anything: the server of finding 3 that held the operator's
 * workers. Listens on 127.0.0.1 only; `close` ends every socket it holds.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A running silent server. */
export interface SilentPostgres {
  port: number;
  /** `postgres://u:p@127.0.0.1:PORT/db`. */
  url: string;
  /** Start-up packets answered so far (each a connection that got past the handshake). */
  handshakes(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32BE(v, i * 4));
  return b;
}

/** Starts a silent server on a free port of 127.0.0.1. */
export async function silentPostgres(): Promise<SilentPostgres> {
  const sockets = new Set<Socket>();
  let handshakes = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      if (started) return; // silent from here on
      buffered = Buffer.concat([buffered, chunk]);
      while (!started && buffered.length >= 8) {
        const len = buffered.readInt32BE(0);
        if (buffered.length < len) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(len);
        if (code === SSL_REQUEST) socket.write('N');
        else if (code === CANCEL_REQUEST) socket.destroy();
        else {
          started = true;
          handshakes++;
          socket.write(
            Buffer.concat([
              message('R', int32s(0)),
              message('K', int32s(4242, 1234)),
              message('Z', Buffer.from('I')),
            ]),
          );
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `postgres://u:p@127.0.0.1:${port}/db`,
    handshakes: () => handshakes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
