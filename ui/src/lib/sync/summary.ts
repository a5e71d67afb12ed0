import type { SyncStatus } from '$lib/api';
import type { Message } from '$lib/i18n';

/** The menu bar's words for a status: a message key and its parameters. */
export function syncSummary(status: SyncStatus, now: Date = new Date()): Message {
  switch (status.state) {
    case 'offline':
      return {
        key: status.waiting > 0 ? 'sync.offlineWaiting' : 'sync.offline',
        params: { since: clockTime(status.offlineSince, now), count: status.waiting },
      };
    case 'downloading':
      return { key: 'sync.downloading', params: { count: status.downloaded } };
    case 'waiting':
      return { key: 'sync.waiting', params: { count: status.waiting } };
    case 'synced':
      return { key: 'sync.synced', params: { at: clockTime(status.lastContactAt, now) } };
    case 'not_connected':
      return { key: 'sync.notConnected' };
    default:
      return { key: 'sync.standalone' };
  }
}

/** HH:MM for a time today, MM/DD/YYYY HH:MM for another day (local time). */
export function clockTime(iso: string | null, now: Date = new Date()): string {
  if (iso === null) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay =
    at.getFullYear() === now.getFullYear() &&
    at.getMonth() === now.getMonth() &&
    at.getDate() === now.getDate();
  return sameDay
    ? time
    : `${pad(at.getMonth() + 1)}/${pad(at.getDate())}/${at.getFullYear()} ${time}`;
}
