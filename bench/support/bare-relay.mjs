#!/usr/bin/env node
// The baseline of bench/signaling-load: a bare Socket.io relay on Node's http server, with Socket.io's
// defaults — no authentication, no validation, no limits, no store, no acknowledgements, no recovery. It
// does the relay's work alone: `join` puts a socket in a room of two, `signal {to, …}` goes to that one
// socket as `signal {from, …}`. Prints `listening PORT` once it listens.
import http from 'node:http';
import { Server } from 'socket.io';

const server = http.createServer((_req, res) => res.writeHead(404).end());
const io = new Server(server, { path: '/signal', serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') ack({ peerId: socket.id });
  });
  socket.on('signal', (request) => {
    if (!request || typeof request.to !== 'string') return;
    const { to, ...rest } = request;
    io.to(to).emit('signal', { from: socket.id, ...rest });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.once('SIGTERM', () => process.exit(0));
