import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';
import type { ServiceConfig } from '@crm/config';
import { ReadinessProbes } from '@crm/observability';

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const InjectMongo = () => Inject(MONGO_CONNECTION);

/** Tests must never touch a database that is not marked as a test database. */
export function assertSafeDatabase(dbName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === 'test' && !/test/.test(dbName)) {
    throw new Error(
      `Refusing to run tests against database "${dbName}": its name must contain "test"`,
    );
  }
}

export async function connectMongo(config: ServiceConfig): Promise<Connection> {
  assertSafeDatabase(config.MONGO_DB);
  return mongoose
    .createConnection(config.MONGO_URL, {
      dbName: config.MONGO_DB,
      serverSelectionTimeoutMS: 15000,
      autoIndex: false, // indexes are created explicitly at start-up, see each repository's ensureIndexes
    })
    .asPromise();
}

@Global()
@Module({})
export class MongoModule implements OnApplicationShutdown {
  constructor(@InjectMongo() private readonly connection: Connection) {}

  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: MongoModule,
      providers: [
        {
          provide: MONGO_CONNECTION,
          inject: [ReadinessProbes],
          useFactory: async (probes: ReadinessProbes) => {
            const connection = await connectMongo(config);
            probes.register('mongo', () => connection.db!.admin().ping());
            return connection;
          },
        },
      ],
      exports: [MONGO_CONNECTION],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
