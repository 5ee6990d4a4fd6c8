// A TCP load balancer in front of several service nodes, as a deployment has: each new connection goes to the
// first node that accepts it. A node that stops listening (shutting down) gets no new connections; the ones it
// closes come back through here and land on the next node.
import net from 'node:net';

export async function startBalancer(ports) {
  const open = new Set();
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.pause();
    const tryNode = (i) => {
      if (i >= ports.length) return client.destroy();
      const upstream = net.connect(ports[i], '127.0.0.1');
      upstream.once('error', () => tryNode(i + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        open.add(upstream);
        upstream.once('close', () => open.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
      });
    };
    tryNode(0);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
