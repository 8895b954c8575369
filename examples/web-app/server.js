// @ts-check
/** Runs the example web app: `node examples/web-app/server.js` (see README.md for the environment). */
import { createServer } from './app.js';

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: register the app first (see examples/web-app/README.md)`);
    process.exit(1);
  }
  return value;
}

const port = Number(process.env.PORT ?? 3000);
// Loopback only: this example keeps sessions in memory and is not meant to face a network.
const host = '127.0.0.1';
const publicUrl = process.env.PUBLIC_URL ?? `http://${host}:${port}`;
const server = createServer({
  signetUrl: process.env.SIGNET_URL ?? 'http://localhost:8080',
  clientId: required('CLIENT_ID'),
  clientSecret: required('CLIENT_SECRET'),
  publicUrl,
});
server.listen(port, host, () => console.log(`example web app on ${publicUrl} (callback ${publicUrl}/callback)`));
