import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '$lib/api';
import { appErrorMessage } from '$lib/app/messages';
import { i18n, tm } from '$lib/i18n';
import { clockTime, syncSummary } from './summary';

const base: SyncStatus = {
  state: 'synced',
  registry: 'https://registry.example.org',
  waiting: 0,
  downloaded: 320021,
  offlineSince: null,
  lastContactAt: null,
  lastError: null,
  needsReview: 0,
};

describe('the menu bar’s sync summary', () => {
  const now = new Date(2026, 11, 7, 15, 30);

  it('says since when the registry has not answered, and what waits', () => {
    const offline = {
      ...base,
      state: 'offline',
      offlineSince: new Date(2026, 11, 7, 9, 5).toISOString(),
      waiting: 3,
    };
    i18n.locale = 'en';
    expect(tm(syncSummary(offline, now))).toBe('Offline since 09:05 · 3 change(s) waiting');
    i18n.locale = 'es';
    expect(tm(syncSummary(offline, now))).toBe('Sin conexión desde 09:05 · 3 cambio(s) por enviar');
    i18n.locale = 'en';
  });

  it('names the day when it is not today, MM/DD/YYYY', () => {
    expect(clockTime(new Date(2026, 11, 5, 17, 45).toISOString(), now)).toBe('12/05/2026 17:45');
    expect(clockTime(null, now)).toBe('—');
  });

  it('reads synced, waiting and downloading apart', () => {
    expect(
      syncSummary({ ...base, lastContactAt: new Date(2026, 11, 7, 15, 29).toISOString() }, now),
    ).toEqual({
      key: 'sync.synced',
      params: { at: '15:29' },
    });
    expect(syncSummary({ ...base, state: 'waiting', waiting: 2 }, now).key).toBe('sync.waiting');
    expect(syncSummary({ ...base, state: 'downloading' }, now)).toEqual({
      key: 'sync.downloading',
      params: { count: 320021 },
    });
  });
});

describe('registry refusals at sign-in', () => {
  it('explains the offline cases and keeps an unknown code visible', () => {
    expect(appErrorMessage({ code: 'registry', reason: 'offline_never_signed_in_here' })).toEqual({
      key: 'registry.offline_never_signed_in_here',
    });
    expect(appErrorMessage({ code: 'registry', reason: 'teapot' })).toEqual({
      key: 'registry.other',
      params: { code: 'teapot' },
    });
  });
});
