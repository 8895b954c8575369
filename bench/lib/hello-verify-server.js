// The composed ceiling as one server: the hello route plus a sodium-native verify of the
// request's token signature, and nothing else (no claims, no jti, no lookups). What
// 1/(1/hello + 1/verify) predicts, measured; the public key comes in SIGNET_BENCH_PUBLIC_KEY (hex).
import Fastify from 'fastify';
import sodium from 'sodium-native';
import { signedParts } from './ceilings.js';

const publicKey = Buffer.from(process.env.SIGNET_BENCH_PUBLIC_KEY ?? '', 'hex');
const app = Fastify({ logger: false });
app.get('/me', async (request, reply) => {
  const { message, signature } = signedParts((request.headers.authorization ?? '').slice('Bearer '.length));
  if (
    signature.length !== sodium.crypto_sign_BYTES ||
    !sodium.crypto_sign_verify_detached(signature, message, publicKey)
  ) {
    return reply.code(401).send('bad signature');
  }
  return 'hello';
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`hello-verify server listening on ${url}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
