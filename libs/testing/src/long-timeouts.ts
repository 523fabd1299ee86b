// Integration and e2e tests start real processes and wait on brokers: minutes, not seconds.
jest.setTimeout(240_000);
