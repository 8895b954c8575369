// The "hello" ceiling: a bare Fastify route returning a constant, in its own process.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => 'hello');

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`hello server listening on ${url}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
