import type { MessageKey } from '$lib/i18n';

/** Consent statuses, as Rust codes them. */
export const CONSENT_STATUSES = ['granted', 'not_granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** How a consent status is shown: its words and its badge colour (unknown codes read as not granted). */
export function consentBadge(status: string): {
  key: MessageKey;
  tone: 'success' | 'warning' | 'danger';
} {
  switch (status) {
    case 'granted':
      return { key: 'consent.status.granted', tone: 'success' };
    case 'withdrawn':
      return { key: 'consent.status.withdrawn', tone: 'danger' };
    default:
      return { key: 'consent.status.not_granted', tone: 'warning' };
  }
}
