// The least the lookup's architecture can cost on this machine, for the phone-lookup bench:
// `node minimal-stack.mjs front <port>` is a bare Fastify route that asks NATS;
// `node minimal-stack.mjs back <db>` answers on NATS with one driver findOne by the phone's
// blind index.
// No validation, auth, logging, tracing or encryption: only the processes and hops.
import Fastify from 'fastify';
import { MongoClient } from 'mongodb';
import { connect } from '@nats-io/transport-node';
import crypto from '@crm/crypto';
import testing from '@crm/testing';

const SUBJECT = 'bench.minimal.find';
const [role, arg] = process.argv.slice(2);
const nc = await connect({ servers: process.env.NATS_URL });

if (role === 'front') {
  const app = Fastify();
  app.get('/members', async (request) => {
    const reply = await nc.request(SUBJECT, JSON.stringify({ phone: request.query.phone }), {
      timeout: 5000,
    });
    return reply.json();
  });
  await app.listen({ port: Number(arg), host: '127.0.0.1' });
} else {
  const env = testing.devEnv();
  const cipher = new crypto.FieldCipher({
    keys: crypto.FieldCipher.parseKeys(env.MEMBERS_DATA_KEYS),
    activeKeyId: env.MEMBERS_ACTIVE_KEY_ID,
    blindIndexKey: Buffer.from(env.MEMBERS_BLIND_INDEX_KEY, 'base64'),
  });
  const mongo = await MongoClient.connect(process.env.MONGO_URL);
  const members = mongo.db(arg).collection('members');
  nc.subscribe(SUBJECT, {
    callback: async (_error, message) => {
      const { phone } = message.json();
      const doc = await members.findOne({ phoneIndex: cipher.blindIndex(phone, 'phone') });
      message.respond(
        JSON.stringify({ items: doc ? [{ id: String(doc._id), name: doc.name }] : [] }),
      );
    },
  });
}
process.stdout.write('ready\n');
