// @ts-check
/** Runs the example exchange service: `node examples/exchange-service/server.js` (see README.md). */
import { createServer } from './app.js';

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: register the service first (see examples/exchange-service/README.md)`);
    process.exit(1);
  }
  return value;
}

const port = Number(process.env.PORT ?? 3001);
// Loopback only: tokens live in this process's memory; this is an example, not a deployment.
const host = '127.0.0.1';
const server = createServer({
  signetUrl: process.env.SIGNET_URL ?? 'http://localhost:8080',
  clientId: required('CLIENT_ID'),
  clientSecret: required('CLIENT_SECRET'),
});
server.listen(port, host, () =>
  console.log(`example exchange service on http://${host}:${port} (POST /mixin/me, GET /users/me)`),
);
