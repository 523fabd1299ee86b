// The least an HTTP hop in front of care-plans can cost, for the worklist bench: a bare Fastify
// route in its own process that sends the gateway's NATS request for a worklist page and answers
// the page. No auth, validation, rate limits, logging or tracing: only the process and the hops.
//   node bench/care/relay.mjs <port> <bus namespace>   (prints `ready` once listening)
import Fastify from 'fastify';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';

const [port, namespace] = process.argv.slice(2);
const subject = `${namespace}.care-plans.v1.tasks.list`;
const nc = await connect({ servers: process.env.NATS_URL, noAsyncTraces: true });
const actor = JSON.stringify({ sub: 'bench', roles: ['store_manager'], storeId: 'S001' });
let id = 0;

const app = Fastify();
app.get('/care-tasks', async (request) => {
  const headers = natsHeaders();
  headers.set('x-actor', actor);
  const { store, status, limit } = request.query;
  const body = { pattern: subject, data: { store, status, limit: Number(limit) }, id: `${++id}` };
  const reply = await nc.request(subject, JSON.stringify(body), { timeout: 60_000, headers });
  return reply.json().response;
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('ready\n');
