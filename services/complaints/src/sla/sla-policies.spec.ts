import { AppError, type SlaPoliciesRequest } from '@crm/contracts';
import { requestFromSettings, settingsFromRequest } from './sla-policies';
import { DEFAULT_SLA_SETTINGS } from './sla-policy';

describe('SLA policies as the API shows and takes them', () => {
  it('round-trips the default settings', () => {
    const shown = requestFromSettings(DEFAULT_SLA_SETTINGS);
    expect(shown.targets).toHaveLength(4);
    expect(shown.storeHours).toHaveLength(7);
    expect(settingsFromRequest(shown)).toEqual(DEFAULT_SLA_SETTINGS);
  });

  it('keeps a channel’s own target and a store’s own hours', () => {
    const shown = requestFromSettings(DEFAULT_SLA_SETTINGS);
    const request: SlaPoliciesRequest = {
      ...shown,
      targets: [
        ...shown.targets,
        { severity: 'high', channel: 'online', firstResponseMinutes: 30, resolutionMinutes: 600 },
      ],
      storeHours: [
        ...shown.storeHours,
        { storeId: 'S009', weekday: 1, open: '10:00', close: '16:00' },
      ],
    };
    const settings = settingsFromRequest(request);
    expect(settings.targets.high.online).toEqual({
      firstResponseMinutes: 30,
      resolutionMinutes: 600,
    });
    expect(settings.storeHours.S009).toEqual({ 1: [{ open: '10:00', close: '16:00' }] });
    const shownAgain = requestFromSettings(settings);
    expect(shownAgain.targets).toContainEqual({
      severity: 'high',
      channel: 'online',
      firstResponseMinutes: 30,
      resolutionMinutes: 600,
    });
    expect(shownAgain.storeHours).toContainEqual({
      storeId: 'S009',
      weekday: 1,
      open: '10:00',
      close: '16:00',
    });
    expect(settingsFromRequest(shownAgain)).toEqual(settings);
  });

  it('names every inconsistency', () => {
    const shown = requestFromSettings(DEFAULT_SLA_SETTINGS);
    const bad: SlaPoliciesRequest = {
      ...shown,
      targets: [
        ...shown.targets.filter((t) => t.severity !== 'low'),
        { severity: 'high', firstResponseMinutes: 60, resolutionMinutes: 30 },
      ],
      hotlineHours: [
        { weekday: 1, open: '09:00', close: '18:00' },
        { weekday: 1, open: '17:00', close: '19:00' },
        { weekday: 2, open: '18:00', close: '09:00' },
      ],
      storeHours: [{ storeId: 'S001', weekday: 1, open: '08:00', close: '20:00' }],
      holidays: ['2026-10-01', '2026-10-01'],
    };
    let error: AppError | undefined;
    try {
      settingsFromRequest(bad);
    } catch (e) {
      error = e as AppError;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error!.details as { field: string }[]).map((d) => d.field).sort()).toEqual(
      [
        'targets[3]',
        'targets[3].resolutionMinutes',
        'targets',
        'hotlineHours[1]',
        'hotlineHours[2]',
        'storeHours',
        'holidays',
      ].sort(),
    );
  });
});
