import { nextStatus, planStatus } from './plan-state';

describe('plan state', () => {
  it('pauses, resumes and stops; nothing after a stop', () => {
    expect(planStatus([])).toBe('active');
    expect(planStatus([{ action: 'pause' }])).toBe('paused');
    expect(planStatus([{ action: 'pause' }, { action: 'resume' }])).toBe('active');
    expect(planStatus([{ action: 'pause' }, { action: 'stop' }])).toBe('stopped');
    expect(nextStatus('stopped', 'resume')).toBeNull();
    expect(nextStatus('active', 'resume')).toBeNull();
    expect(nextStatus('paused', 'pause')).toBeNull();
  });
});
