describe('bus namespace', () => {
  const saved = process.env.BUS_NAMESPACE;
  afterEach(() => {
    if (saved === undefined) delete process.env.BUS_NAMESPACE;
    else process.env.BUS_NAMESPACE = saved;
    jest.resetModules();
  });

  it('prefixes every subject and topic when set, and strips it back', () => {
    process.env.BUS_NAMESPACE = 'test-ab12';
    jest.resetModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
    const { Subjects, Topics, withoutNamespace, deadLetterTopic } = require('./index');
    expect(Subjects.members.get).toBe('test-ab12.members.v1.get');
    expect(Subjects.members.segments.preview).toBe('test-ab12.members.v1.segments.preview');
    expect(Topics.posTransactions).toBe('test-ab12.pos.transactions.v1');
    expect(deadLetterTopic(Topics.posTransactions)).toBe('test-ab12.pos.transactions.v1.dlq');
    expect(withoutNamespace(Subjects.loyalty.points)).toBe('loyalty.v1.points.get');
  });

  it('leaves the names as the contracts spell them when unset', () => {
    delete process.env.BUS_NAMESPACE;
    jest.resetModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
    const { Subjects, Topics } = require('./index');
    expect(Subjects.members.get).toBe('members.v1.get');
    expect(Topics.membersEvents).toBe('members.events.v1');
  });
});
